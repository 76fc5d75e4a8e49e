import { using } from "../database";
import { RotationError } from "../errors";
import { CLONE_SUFFIX } from "../../shared/secret-contract";
import type { DatabaseSecret } from "../secret-value";
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from "../secrets";
import { credentialsOf, masterUserReason, pendingUsername, requireMasterArn } from "../users";
import type { StepContext, StepResult } from "./context";

/**
 * setSecret: makes the database accept the pending credentials.
 *
 * - Alternating users, and the first rotation of either strategy: with the master user,
 *   create the pending user or set its password, then give it its privileges.
 * - Single user afterwards: log in as the user with the pending, current or previous
 *   password (the first that works) and change its own password.
 */
export async function setSecret(ctx: StepContext): Promise<StepResult> {
  const pending = (await ctx.store.getDatabaseSecret(AWSPENDING, ctx.token)).value;
  const current = (await ctx.store.getDatabaseSecret(AWSCURRENT)).value;
  checkPendingFollowsCurrent(ctx, pending, current);
  const reason = masterUserReason(ctx.strategy, current);
  return reason === undefined ? changeOwnPassword(ctx, pending, current) : provisionWithMaster(ctx, pending, current, reason);
}

/**
 * The pending version must be the one createSecret derives from the current one: same
 * database, reached the same way (a pending `ssl: false` must not send the master
 * password in plaintext) with the same master secret, and the expected user.
 */
function checkPendingFollowsCurrent(ctx: StepContext, pending: DatabaseSecret, current: DatabaseSecret): void {
  for (const key of ["engine", "host", "port", "dbname", "ssl", "masterarn"] as const) {
    if (pending[key] !== current[key]) {
      throw new RotationError(
        `secret ${ctx.store.secretId}: "${key}" of the ${AWSPENDING} version differs from the ${AWSCURRENT} version; ` +
          "refusing to use a database or connection settings other than the current ones",
      );
    }
  }
  const expected = pendingUsername(ctx.strategy, current);
  if (pending.username !== expected) {
    throw new RotationError(
      `secret ${ctx.store.secretId}: the ${AWSPENDING} version is for user ${pending.username}, but the ` +
        `${ctx.strategy} strategy rotates user ${current.username} to ${expected}`,
    );
  }
}

/**
 * Creates the pending user or sets its password, then (re)applies its privileges: the
 * configured `privileges`, or for a clone, membership of / the grants of the user it
 * clones. Grants are idempotent, so a retry after a failure between CREATE and GRANT
 * converges.
 */
async function provisionWithMaster(
  ctx: StepContext,
  pending: DatabaseSecret,
  current: DatabaseSecret,
  reason: string,
): Promise<StepResult> {
  const masterArn = requireMasterArn(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`, reason);
  const master = await ctx.store.getMasterCredentials(masterArn);
  const { username } = pending;
  if (username === master.username) {
    throw new RotationError(
      `secret ${ctx.store.secretId}: user ${username} is the master user of ${masterArn}, which this function must not change`,
    );
  }
  const { password } = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  const clonesCurrent = username === current.username + CLONE_SUFFIX;

  return ctx.database.withSession(pending, master, async (session) => {
    const existed = await session.userExists(username);
    if (existed) await session.setPassword(username, password);
    else await session.createUser(username, password);
    if (clonesCurrent) await session.copyPrivileges(current.username, username);
    else await session.grantPrivileges(username, pending.dbname, pending.privileges);
    const privileges = clonesCurrent ? `the privileges of ${current.username}` : pending.privileges.join(", ");
    return {
      outcome: "success",
      message: `${existed ? "set the password of" : "created"} user ${username} with the master user; granted ${privileges}`,
    };
  });
}

/** Single user: log in with the first password that works and change it to the pending one. */
async function changeOwnPassword(ctx: StepContext, pending: DatabaseSecret, current: DatabaseSecret): Promise<StepResult> {
  const { username, password } = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  const candidates: readonly { readonly label: string; readonly password: () => Promise<string | undefined> }[] = [
    { label: "pending", password: async () => password },
    { label: "current", password: async () => current.password },
    { label: "previous", password: () => previousPassword(ctx, username) },
  ];
  const tried = new Set<string>();
  for (const candidate of candidates) {
    const candidatePassword = await candidate.password();
    if (candidatePassword === undefined || tried.has(candidatePassword)) continue;
    tried.add(candidatePassword);
    const session = await ctx.database.tryLogin(pending, { username, password: candidatePassword });
    if (session === undefined) {
      ctx.log.info(`user ${username} does not log in with the ${candidate.label} password`);
      continue;
    }
    const { label } = candidate;
    return using(session, async (loggedIn): Promise<StepResult> => {
      if (label === "pending") {
        return { outcome: "noop", message: `user ${username} already logs in with the pending password` };
      }
      await loggedIn.setOwnPassword(password);
      return { outcome: "success", message: `changed the password of user ${username}, logged in with the ${label} password` };
    });
  }
  throw new RotationError(
    `the current password of user ${username} no longer logs in, nor do the pending and previous ones; ` +
      `reset the password of ${username} with the master user to the ${AWSCURRENT} value, then rotate again`,
  );
}

/** The AWSPREVIOUS password, if there is such a version and it is for the same user. */
async function previousPassword(ctx: StepContext, username: string): Promise<string | undefined> {
  if (ctx.versions.previous === undefined) return undefined;
  const previous = (await ctx.store.getDatabaseSecret(AWSPREVIOUS, ctx.versions.previous)).value;
  return previous.username === username ? previous.password : undefined;
}
