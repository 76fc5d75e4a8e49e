import type { DatabaseBinding } from "../../shared/rotation-binding";
import { using } from "../database";
import type { DatabaseSession, UserStatus } from "../engines";
import { MANAGED_USER_MARKER } from "../engines/engine";
import { RotationError } from "../errors";
import type { Credentials, DatabaseSecret } from "../secret-value";
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from "../secrets";
import { checkMasterIsNotRotated, credentialsOf, pendingUsername } from "../users";
import type { StepContext, StepResult } from "./context";
import { readCurrent, readPending, type CurrentVersion } from "./versions";

/**
 * setSecret: makes the bound database accept the pending credentials, for a user that
 * the function created (see MANAGED_USER_MARKER) and that holds no privilege beyond the
 * bound ones, which it then holds exactly.
 *
 * - Alternating users, and the first rotation of either strategy: with the master user,
 *   create the pending user or set its password, then apply its privileges. After the
 *   first rotation the current credentials must log in first (proof that whoever wrote
 *   the secret knew the password), as in AWS's templates.
 * - Single user afterwards: log in as the user with the pending, current or previous
 *   password (the first that works) and change its own password; the master is read only
 *   when the user's privileges differ from the binding.
 */
export async function setSecret(ctx: StepContext): Promise<StepResult> {
  const pending = (await readPending(ctx)).value;
  const current = await readCurrent(ctx);
  const expected = pendingUsername(ctx.strategy, ctx.binding, current.value, current.firstRotation);
  if (pending.username !== expected) {
    throw new RotationError(
      `secret ${ctx.store.secretId}: the ${AWSPENDING} version is for user ${pending.username}, but the ` +
        `${ctx.strategy} strategy rotates user ${current.value.username} to ${expected}`,
    );
  }
  return ctx.strategy === "single-user" && !current.firstRotation
    ? changeOwnPassword(ctx, pending, current.value)
    : provisionWithMaster(ctx, pending, current);
}

/** Creates the pending user or sets its password with the master user, then applies its privileges. */
async function provisionWithMaster(ctx: StepContext, pending: DatabaseSecret, current: CurrentVersion): Promise<StepResult> {
  const { database } = ctx.binding;
  if (!current.firstRotation) await proveCurrentLogsIn(ctx, current.value);
  const master = await masterCredentials(ctx);
  const credentials = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  const { username, password } = credentials;

  return ctx.database.withSession(database, master, async (session) => {
    const status = await session.inspectUser(username);
    let done: string;
    if (!status.exists) {
      await session.createUser(username, password);
      done = `created user ${username} with the master user`;
    } else {
      refusePrivileged(status, username);
      // Logging in with the pending password proves that an earlier attempt of this
      // rotation created the user or set its password: only the function knew it then.
      const alreadySet = (!status.managed || current.firstRotation) && (await logsIn(ctx, database, credentials));
      if (!status.managed) {
        if (!alreadySet) throw notOurs(username);
        await session.markUser(username);
      } else if (current.firstRotation && !alreadySet) {
        throw new RotationError(
          `secret ${ctx.store.secretId}: ${AWSCURRENT} is Terraform's seed, without a password, but user ${username} ` +
            "already exists: the secret lost its password, and this function does not bootstrap a user twice; " +
            "put a version with the user's current password",
        );
      }
      if (!alreadySet) await session.setPassword(username, password);
      done = alreadySet
        ? `user ${username} already logs in with the pending password`
        : `set the password of user ${username} with the master user`;
    }
    await session.applyPrivileges(username, database.dbname, ctx.binding.privileges);
    return { outcome: "success", message: `${done}; it holds exactly ${ctx.binding.privileges.join(", ")} on ${database.dbname}` };
  });
}

/** Single user: log in with the first password that works, change it to the pending one, and fix privileges that drifted. */
async function changeOwnPassword(ctx: StepContext, pending: DatabaseSecret, current: DatabaseSecret): Promise<StepResult> {
  const { username, password } = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  const { database } = ctx.binding;
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
    const session = await ctx.database.tryLogin(database, { username, password: candidatePassword });
    if (session === undefined) {
      ctx.log.info(`user ${username} does not log in with the ${candidate.label} password`);
      continue;
    }
    const { label } = candidate;
    return using(session, async (loggedIn): Promise<StepResult> => {
      const status = await loggedIn.inspectUser(username);
      if (status.exists) refusePrivileged(status, username);
      if (!status.exists || !status.managed) throw notOurs(username);
      // Read before the password changes: from then until finishSecret, AWSCURRENT does not log in.
      const exact = await loggedIn.holdsExactly(database.dbname, ctx.binding.privileges);
      if (label !== "pending") await loggedIn.setOwnPassword(password);
      const changed =
        label === "pending"
          ? `user ${username} already logs in with the pending password`
          : `changed the password of user ${username}, logged in with the ${label} password`;
      if (exact) return { outcome: "success", message: changed };
      if (label === "previous") {
        // Reading the master too would make a 13th Secrets Manager call in this rotation.
        return { outcome: "success", message: `${changed}; its privileges differ from the binding and are applied at the next rotation` };
      }
      await applyPrivilegesWithMaster(ctx, username);
      return { outcome: "success", message: `${changed}; applied ${ctx.binding.privileges.join(", ")} with the master user` };
    });
  }
  throw new RotationError(
    `the current password of user ${username} no longer logs in, nor do the pending and previous ones; ` +
      `reset the password of ${username} with the master user to the ${AWSCURRENT} value, then rotate again`,
  );
}

/** AWS's templates' proof of possession: the current credentials log in before the master is used. */
async function proveCurrentLogsIn(ctx: StepContext, current: DatabaseSecret): Promise<void> {
  const credentials = credentialsOf(current, `secret ${ctx.store.secretId} version ${AWSCURRENT}`);
  if (!(await logsIn(ctx, ctx.binding.database, credentials))) {
    throw new RotationError(
      `secret ${ctx.store.secretId}: the ${AWSCURRENT} credentials of user ${current.username} do not log in; ` +
        "the master user is used only for a secret whose current password works",
    );
  }
}

async function masterCredentials(ctx: StepContext): Promise<Credentials> {
  const master = await ctx.store.getMasterCredentials(ctx.binding.database.masterSecretArn);
  checkMasterIsNotRotated(ctx.strategy, ctx.binding, master);
  return master;
}

async function applyPrivilegesWithMaster(ctx: StepContext, username: string): Promise<void> {
  const { database, privileges } = ctx.binding;
  await ctx.database.withSession(database, await masterCredentials(ctx), async (session: DatabaseSession) => {
    const status = await session.inspectUser(username);
    if (status.exists) refusePrivileged(status, username);
    await session.applyPrivileges(username, database.dbname, privileges);
  });
}

async function logsIn(ctx: StepContext, database: DatabaseBinding, credentials: Credentials): Promise<boolean> {
  const session = await ctx.database.tryLogin(database, credentials);
  await session?.close();
  return session !== undefined;
}

function refusePrivileged(status: Extract<UserStatus, { exists: true }>, username: string): void {
  if (status.privileged !== undefined) {
    throw new RotationError(`user ${username} holds ${status.privileged}; this function never changes a privileged user`);
  }
}

function notOurs(username: string): RotationError {
  return new RotationError(
    `user ${username} exists but was not created by this function (it lacks the marker ${MANAGED_USER_MARKER}); ` +
      "it is not taken over: drop it or rename the bound user, or have an administrator adopt it by setting the marker",
  );
}

/** The AWSPREVIOUS password, if there is such a version and it is for the same user. */
async function previousPassword(ctx: StepContext, username: string): Promise<string | undefined> {
  if (ctx.versions.previous === undefined) return undefined;
  const previous = (await ctx.store.getDatabaseSecret(AWSPREVIOUS, ctx.versions.previous)).value;
  return previous.username === username ? previous.password : undefined;
}
