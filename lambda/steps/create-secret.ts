import { generatePassword } from "../password";
import { pendingUsername } from "../users";
import type { StepContext, StepResult } from "./context";
import { checkPending, readCurrent } from "./versions";

/**
 * createSecret: stores the next version (AWSPENDING): the current JSON with a new
 * password, the binding's privileges and, for alternating users, the other user name.
 * Everything the later steps need from the secret is checked first, so bad input fails
 * before anything is written.
 *
 * It reads the pending version first, as AWS's templates do, and keeps a value that an
 * earlier attempt stored: setSecret may already have given that password to the
 * database, so replacing it could lock the user out. This holds whatever the service
 * answers to a repeated PutSecretValue (refusal, idempotent success or overwrite).
 */
export async function createSecret(ctx: StepContext): Promise<StepResult> {
  const stored = await ctx.store.getStoredPendingSecret(ctx.token);
  if (stored !== undefined) {
    checkPending(ctx, stored);
    return { outcome: "noop", message: "the AWSPENDING version already has a value from an earlier attempt; kept it" };
  }
  const current = await readCurrent(ctx);
  const username = pendingUsername(ctx.strategy, ctx.binding, current.value, current.firstRotation);
  const value = {
    ...current.json,
    username,
    password: generatePassword(ctx.passwordPolicy),
    ...("privileges" in current.json ? { privileges: [...ctx.binding.privileges] } : {}),
  };
  const put = await ctx.store.putPendingVersion(ctx.token, value, ctx.rotationToken);
  return put
    ? { outcome: "success", message: `stored a new password for user ${username} in the AWSPENDING version` }
    : { outcome: "noop", message: "another attempt stored the AWSPENDING version since it was read; kept that one" };
}
