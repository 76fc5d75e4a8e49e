import { RotationError } from "./errors";
import { CLONE_SUFFIX, MAX_USERNAME_LENGTH, type RotationStrategy } from "../shared/secret-contract";
import type { Credentials, DatabaseSecret } from "./secret-value";

/**
 * The user the next version belongs to. Single user: the current one. Alternating
 * users: the other one of `name` and `name_clone`, except on the first rotation (the
 * current version has no password yet), which starts with the configured user.
 */
export function pendingUsername(strategy: RotationStrategy, current: DatabaseSecret): string {
  if (strategy === "single-user" || current.password === undefined) return current.username;
  const name = current.username;
  const other = name.endsWith(CLONE_SUFFIX) ? name.slice(0, -CLONE_SUFFIX.length) : name + CLONE_SUFFIX;
  if (other === "") throw new RotationError(`alternating-users: user ${name} has no name left without ${CLONE_SUFFIX}`);
  const max = MAX_USERNAME_LENGTH[current.engine];
  if (other.length > max) {
    throw new RotationError(
      `alternating-users: the alternate user ${other} would have ${other.length} characters, more than ` +
        `the ${max} that ${current.engine} allows; "username" may have at most ${max - CLONE_SUFFIX.length}`,
    );
  }
  return other;
}

/**
 * Why the master user is needed to rotate from `current`, or undefined if it is not:
 * the alternating-users strategy always creates or updates the other user with it, and
 * the first rotation (no password yet) creates the user with it.
 */
export function masterUserReason(strategy: RotationStrategy, current: DatabaseSecret): string | undefined {
  if (current.password === undefined) return "to create the user on the first rotation (the secret has no password yet)";
  if (strategy === "alternating-users") return "by the alternating-users strategy";
  return undefined;
}

/** The secret's `masterarn`, which `reason` requires. */
export function requireMasterArn(secret: DatabaseSecret, source: string, reason: string): string {
  if (secret.masterarn === undefined) throw new RotationError(`${source}: "masterarn" is required ${reason}`);
  return secret.masterarn;
}

/** The user name and password of a version that must have a password. */
export function credentialsOf(secret: DatabaseSecret, source: string): Credentials {
  if (secret.password === undefined) throw new RotationError(`${source}: "password" is missing`);
  return { username: secret.username, password: secret.password };
}
