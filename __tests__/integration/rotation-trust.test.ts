/**
 * The rotation function's trust boundary, against the real servers: whoever
 * can write a secret, but not change the function, must not be able to make it act on
 * another database, user, master secret or connection, and a binding that names a user
 * the function did not create, a privileged user or the master is refused in the
 * database itself. Every attack runs on both engines and strategies, at the first
 * rotation and at a later one. Each is refused with its message, and afterwards the
 * database is unchanged (the victims' passwords still log in, no clone of anyone else
 * exists, no grant on a system schema), the secret's versions are unchanged, and no
 * password reached an impostor or a log line.
 */
import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { randomBytes } from "node:crypto";
import type { Privilege, RotationStrategy } from "../../shared/secret-contract";
import type { DatabaseCredentials, ServerInfo, ServerKind } from "../support/db-servers";
import { RotationStepError, type RotationStep, type StepHook } from "../support/fake-secrets-manager";
import { ImpostorServer } from "../support/impostor-server";
import { RotationFixture, uniqueUsername, type SeededSecret } from "../support/rotation-fixture";

const STRATEGIES: readonly RotationStrategy[] = ["single-user", "alternating-users"];
const ALL_PRIVILEGES: readonly Privilege[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

/** A user the function did not create; `privileged`: what an RDS master or a DBA holds. */
async function createForeignUser(server: ServerInfo, privileged: boolean): Promise<DatabaseCredentials> {
  const credentials = { username: uniqueUsername(), password: randomBytes(16).toString("hex") };
  const { username, password } = credentials;
  await fx.asSuperuser(server, async (s) => {
    if (server.kind === "mariadb") {
      await s.query("CREATE USER ?@'%' IDENTIFIED BY ?", [username, password]);
      await s.query("GRANT SELECT ON appdb.* TO ?@'%'", [username]);
      if (privileged) await s.query("GRANT RELOAD, CREATE USER ON *.* TO ?@'%' WITH GRANT OPTION", [username]);
    } else {
      await s.query(`CREATE ROLE "${username}" LOGIN ${privileged ? "CREATEROLE" : ""} PASSWORD '${password}'`);
      await s.query(`GRANT CONNECT ON DATABASE appdb TO "${username}"`);
    }
  });
  return credentials;
}

/** Lets the writer's put replace the value of the pending version `token`, as a service might. */
async function overwritePending(arn: string, token: string, value: object): Promise<void> {
  const client = fx.fake.client("secret-writer");
  fx.fake.overwritePendingValues = true;
  try {
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ["AWSPENDING"] }));
  } finally {
    fx.fake.overwritePendingValues = false;
    client.destroy();
  }
}

function passwordsOf(arn: string): string[] {
  return fx.fake.versions(arn).flatMap((v) => {
    const password = (JSON.parse(v.secretString ?? "{}") as { password?: unknown }).password;
    return typeof password === "string" ? [password] : [];
  });
}

describe.each<ServerKind>(["mariadb", "postgres"])("%s", (kind) => {
  const engine = kind;
  let server: ServerInfo;
  let victim: DatabaseCredentials;
  let dba: DatabaseCredentials;
  /** Another master secret the function's role could read (a DBA's). */
  let otherMasterArn: string;
  let impostor: ImpostorServer;

  beforeAll(async () => {
    server = fx.server(engine);
    victim = await createForeignUser(server, false);
    dba = await createForeignUser(server, true);
    otherMasterArn = fx.fake.seedSecret({ name: `rds!db-other-${kind}`, value: dba });
    impostor = await ImpostorServer.start(kind);
  });
  afterAll(() => impostor.close());

  /** Everyone the attacks aim at, and the users the function would create for them. */
  const watchedUsers = (secret: SeededSecret) =>
    [secret.username, server.admin.username, victim.username, dba.username].flatMap((name) => [name, `${name}_clone`]);

  /** The victims log in with their own passwords; nothing reached the impostor or a log line. */
  async function expectVictimsUntouched(secret: SeededSecret): Promise<void> {
    for (const credentials of [server.admin, victim, dba]) expect(await fx.canLogIn(server, credentials)).toBe(true);
    expect(impostor.connections).toBe(0);
    expect(impostor.captured).toEqual([]);
    for (const password of [server.admin.password, victim.password, dba.password, ...passwordsOf(secret.arn)]) {
      expect(fx.logText()).not.toContain(password);
    }
  }

  /**
   * Runs a rotation that must fail at `step` with `message`. The database and the secret
   * must not change, but for the pending version of that rotation, which createSecret
   * fills in when the failure comes later.
   */
  async function expectRefused(
    secret: SeededSecret,
    strategy: RotationStrategy,
    expected: { step: RotationStep; message: RegExp; afterStep?: StepHook },
  ): Promise<void> {
    const secretBefore = fx.secretState(secret.arn);
    const databaseBefore = await fx.databaseState(server, watchedUsers(secret));
    const error = await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy), { afterStep: expected.afterStep }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RotationStepError);
    const { step, message, token } = error as RotationStepError;
    expect({ step, message }).toEqual({ step: expected.step, message: expect.stringMatching(expected.message) });
    const { [token]: pendingStages, ...stagesAfter } = fx.secretState(secret.arn).stages;
    const { [token]: _pendingValue, ...valuesAfter } = fx.secretState(secret.arn).values;
    expect(pendingStages).toEqual(["AWSPENDING"]);
    // Starting the rotation moved AWSPENDING from the current version to the new one.
    const stagesBefore = Object.fromEntries(
      Object.entries(secretBefore.stages).map(([id, stages]) => [id, stages.filter((stage) => stage !== "AWSPENDING")]),
    );
    expect({ stages: stagesAfter, values: valuesAfter }).toEqual({ stages: stagesBefore, values: secretBefore.values });
    expect(await fx.databaseState(server, watchedUsers(secret))).toEqual(databaseBefore);
    await expectVictimsUntouched(secret);
  }

  describe.each(STRATEGIES)("%s", (strategy) => {
    /** A secret at its first rotation (the seed is current), or after one rotation. */
    async function target(when: "first" | "later", privileges: readonly Privilege[] = ["SELECT"]): Promise<SeededSecret> {
      const secret = fx.seedDatabaseSecret({ engine, privileges });
      if (when === "later") await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
      return secret;
    }

    /** What a secret writer changes in the JSON, and the field the function names in its refusal. */
    const tampering: readonly [string, () => Record<string, unknown>, string][] = [
      ["username := the master user (or its clone)", () => ({ username: server.admin.username }), "username"],
      ["username := another existing user", () => ({ username: victim.username }), "username"],
      ["username := a privileged user", () => ({ username: dba.username }), "username"],
      ["dbname := a system schema", () => ({ dbname: kind === "mariadb" ? "mysql" : "postgres" }), "dbname"],
      ["host and port := an impostor server that asks for the password", () => ({ host: "127.0.0.1", port: impostor.port }), "port"],
      ["masterarn := another master secret the function could read", () => ({ masterarn: otherMasterArn }), "masterarn"],
      ["ssl := false, to send the master password in plaintext", () => ({ ssl: false }), "ssl"],
    ];

    describe.each(["first", "later"] as const)("%s rotation", (when) => {
      it.each(tampering)("AWSCURRENT written with %s: refused at createSecret", async (_attack, change, field) => {
        const secret = await target(when);
        await fx.putCurrentValue(secret.arn, { ...fx.value(secret.arn), ...change() });
        await expectRefused(secret, strategy, { step: "createSecret", message: new RegExp(`"${field}" disagrees with the function's binding`) });
      });

      it.each(tampering)("AWSPENDING overwritten with %s right after createSecret: refused at setSecret", async (_attack, change, field) => {
        const secret = await target(when);
        await expectRefused(secret, strategy, {
          step: "setSecret",
          message: new RegExp(`"${field}" disagrees with the function's binding`),
          afterStep: async (step) => {
            if (step !== "createSecret") return;
            const token = Object.entries(fx.fake.stages(secret.arn)).find(([, stages]) => stages.includes("AWSPENDING"))![0];
            await overwritePending(secret.arn, token, { ...fx.value(secret.arn, "AWSPENDING"), ...change() });
          },
        });
      });
    });

    it.each([
      ["another existing user", false, /user it_\w+ exists but was not created by this function \(it lacks the marker secrets_rotation_managed\)/],
      ["a privileged user", true, kind === "mariadb" ? /user it_\w+ holds .*global privileges RELOAD, CREATE USER.*; this function never changes a privileged user/ : /user it_\w+ holds CREATEROLE; this function never changes a privileged user/],
    ])("a binding that names %s: not taken over at the first rotation", async (_case, privileged, message) => {
      const existing = await createForeignUser(server, privileged);
      const secret = fx.seedDatabaseSecret({ engine, username: existing.username });
      await expectRefused(secret, strategy, { step: "setSecret", message });
      expect(await fx.canLogIn(server, existing)).toBe(true);
    });

    it(`a binding whose user${strategy === "alternating-users" ? "'s clone" : ""} is the master user: refused before the master is used`, async () => {
      const username = uniqueUsername();
      const master = { username: strategy === "alternating-users" ? `${username}_clone` : username, password: randomBytes(16).toString("hex") };
      const masterSecretArn = fx.fake.seedSecret({ name: `rds!db-${master.username}`, value: master });
      const secret = fx.seedDatabaseSecret({ engine, username, database: { masterSecretArn } });
      await expectRefused(secret, strategy, {
        step: "setSecret",
        message: new RegExp(`its user ${master.username} is one of the users that secret app/${username} rotates; this function never changes the master user`),
      });
    });

    it("a user of the binding that became privileged: refused when the next rotation would change it", async () => {
      const secret = await target("later");
      // Alternating users: after a second rotation, the next one changes the previous user.
      if (strategy === "alternating-users") await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
      const { username } = fx.credentials(secret.arn, strategy === "alternating-users" ? "AWSPREVIOUS" : "AWSCURRENT");
      await fx.asSuperuser(server, (s) =>
        kind === "mariadb" ? s.query("GRANT PROCESS ON *.* TO ?@'%'", [username]) : s.query(`ALTER ROLE "${username}" CREATEDB`),
      );
      await expectRefused(secret, strategy, { step: "setSecret", message: new RegExp(`user ${username} holds .*; this function never changes a privileged user`) });
    });

    it("AWSCURRENT moved back to the password-less seed: not bootstrapped again", async () => {
      const secret = await target("later");
      const current = fx.credentials(secret.arn);
      const currentVersion = Object.entries(fx.fake.stages(secret.arn)).find(([, stages]) => stages.includes("AWSCURRENT"))![0];
      const client = fx.fake.client("secret-writer");
      await client.send(
        new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: "AWSCURRENT", MoveToVersionId: secret.seedVersionId, RemoveFromVersionId: currentVersion }),
      );
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: "AWSPENDING", RemoveFromVersionId: currentVersion }));
      client.destroy();
      await expectRefused(secret, strategy, {
        step: "setSecret",
        message: new RegExp(`user ${secret.username} already exists: the secret lost its password, and this function does not bootstrap a user twice`),
      });
      expect(await fx.canLogIn(server, current)).toBe(true);
    });

    it("privileges follow the binding: shrinking it revokes the rest on both users; a secret's privileges grant nothing", async () => {
      const secret = await target("later", ALL_PRIVILEGES);
      const users = () => [fx.credentials(secret.arn), ...(strategy === "alternating-users" ? [fx.credentials(secret.arn, "AWSPREVIOUS")] : [])];
      fx.rebind(secret, ["SELECT"]);
      // The writer asks for everything back; the JSON's privileges are a record, not a grant.
      await fx.putCurrentValue(secret.arn, { ...fx.value(secret.arn), privileges: ALL_PRIVILEGES });
      await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
      await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
      for (const user of users()) {
        expect(await fx.probePrivileges(server, user)).toEqual({ SELECT: true, INSERT: false, UPDATE: false, DELETE: false, CREATE: false });
      }
      expect(fx.value(secret.arn).privileges).toEqual(["SELECT"]);
      await expectVictimsUntouched(secret);
    });
  });
});

it("the impostors are real: a client without TLS gives them its password", async () => {
  const { Client } = await import("pg");
  const { createConnection } = await import("mysql2/promise");
  const pgImpostor = await ImpostorServer.start("postgres");
  const mysqlImpostor = await ImpostorServer.start("mariadb");
  try {
    const pg = new Client({ host: "127.0.0.1", port: pgImpostor.port, user: "app", password: "pg-password", database: "appdb", ssl: false });
    await pg.connect().catch(() => undefined);
    await createConnection({ host: "127.0.0.1", port: mysqlImpostor.port, user: "app", password: "mysql-password" }).catch(() => undefined);
    expect(pgImpostor.captured).toEqual(["pg-password"]);
    expect(mysqlImpostor.captured).toEqual(["mysql-password"]);
  } finally {
    await Promise.all([pgImpostor.close(), mysqlImpostor.close()]);
  }
});
