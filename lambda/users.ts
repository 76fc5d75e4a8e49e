import { boundUsernames } from "../shared/rotation-binding";
import { CLONE_SUFFIX, type RotationStrategy } from "../shared/secret-contract";
import type { SecretRotationBinding } from "./bindings";
import { RotationError } from "./errors";
import type { Credentials, DatabaseSecret } from "./secret-value";

/**
 * The user the next version belongs to: the bound user, except that alternating users
 * after the first rotation switch to the other one of `<user>` and `<user>_clone`.
 */
export function pendingUsername(
  strategy: RotationStrategy,
  binding: SecretRotationBinding,
  current: DatabaseSecret,
  firstRotation: boolean,
): string {
  if (strategy === "single-user" || firstRotation) return binding.username;
  return current.username === binding.username ? binding.username + CLONE_SUFFIX : binding.username;
}

/** Refuses a master secret whose user is one of the users this secret rotates: the master is never changed. */
export function checkMasterIsNotRotated(strategy: RotationStrategy, binding: SecretRotationBinding, master: Credentials): void {
  if (boundUsernames(strategy, binding.username).includes(master.username)) {
    throw new RotationError(
      `master secret ${binding.database.masterSecretArn}: its user ${master.username} is one of the users that secret ` +
        `${binding.secretName} rotates; this function never changes the master user`,
    );
  }
}

/** The user name and password of a version that must have a password. */
export function credentialsOf(secret: DatabaseSecret, source: string): Credentials {
  if (secret.password === undefined) throw new RotationError(`${source}: "password" is missing`);
  return { username: secret.username, password: secret.password };
}
