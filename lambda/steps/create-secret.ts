import { AWSCURRENT } from "../secrets";
import { masterUserReason, pendingUsername, requireMasterArn } from "../users";
import type { StepContext, StepResult } from "./context";

/**
 * createSecret: stores the next version (AWSPENDING): the current JSON with a new
 * password and, for alternating users, the other user name. Everything the later steps
 * need from the secret is validated first, so bad input fails before anything is written.
 *
 * Retries never change a stored pending password: a version's value is immutable, so
 * PutSecretValue for a token that already holds a value fails with ResourceExistsException
 * and the first value stays (which saves a GetSecretValue on every rotation).
 */
export async function createSecret(ctx: StepContext): Promise<StepResult> {
  const current = await ctx.store.getDatabaseSecret(AWSCURRENT);
  const username = pendingUsername(ctx.strategy, current.value);
  const reason = masterUserReason(ctx.strategy, current.value);
  if (reason !== undefined) requireMasterArn(current.value, `secret ${ctx.store.secretId} version ${AWSCURRENT}`, reason);

  const password = await ctx.store.generatePassword(ctx.passwordPolicy);
  const stored = await ctx.store.putPendingVersion(ctx.token, { ...current.json, username, password }, ctx.rotationToken);
  return stored
    ? { outcome: "success", message: `stored a new password for user ${username} in the AWSPENDING version` }
    : { outcome: "noop", message: "the AWSPENDING version already has a value from an earlier attempt; kept it" };
}
