import { boundUsernames } from "../../shared/rotation-binding";
import { SEED_STAGE } from "../../shared/secret-contract";
import { RotationError } from "../errors";
import { checkAgainstBinding, type StoredDatabaseSecret } from "../secret-value";
import { AWSCURRENT, AWSPENDING } from "../secrets";
import type { StepContext } from "./context";

/** The AWSCURRENT version, checked against the binding, and whether this is the first rotation. */
export interface CurrentVersion extends StoredDatabaseSecret {
  readonly firstRotation: boolean;
}

/**
 * Reads AWSCURRENT and checks it against the binding. The first rotation is recognised
 * by the version, not by the absence of a password: AWSCURRENT is Terraform's seed
 * (label TERRAFORM_SEED) and has no password. Any other version without a password has
 * lost it, which is an error: bootstrapping again would let whoever can write the secret
 * make the function reset its user with the master.
 */
export async function readCurrent(ctx: StepContext): Promise<CurrentVersion> {
  const source = `secret ${ctx.store.secretId} version ${AWSCURRENT}`;
  const current = await ctx.store.getDatabaseSecret(AWSCURRENT);
  const firstRotation = ctx.versions.currentIsSeed && current.value.password === undefined;
  // `privileges` in AWSCURRENT records what the last rotation applied: after a change of
  // the binding it differs, and this rotation applies the binding.
  checkAgainstBinding(current.value, ctx.binding, firstRotation ? [ctx.binding.username] : usernames(ctx), source, false);
  if (current.value.password === undefined && !firstRotation) {
    throw new RotationError(
      `${source}: "password" is missing, and the version is not Terraform's seed (${SEED_STAGE}); ` +
        "a secret that lost its password is not bootstrapped again: put a version with the user's current password",
    );
  }
  return { ...current, firstRotation };
}

/** Reads the AWSPENDING version `token`, which must have a password and agree with the binding, `privileges` included. */
export async function readPending(ctx: StepContext): Promise<StoredDatabaseSecret> {
  const pending = await ctx.store.getDatabaseSecret(AWSPENDING, ctx.token);
  checkPending(ctx, pending);
  return pending;
}

/** Checks a pending version read by the caller. */
export function checkPending(ctx: StepContext, pending: StoredDatabaseSecret): void {
  const source = `secret ${ctx.store.secretId} version ${AWSPENDING}`;
  checkAgainstBinding(pending.value, ctx.binding, usernames(ctx), source, true);
  if (pending.value.password === undefined) throw new RotationError(`${source}: "password" is missing`);
}

function usernames(ctx: StepContext): readonly string[] {
  return boundUsernames(ctx.strategy, ctx.binding.username);
}
