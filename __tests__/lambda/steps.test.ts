import { PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { MASTER, MASTER_ARN, SECRET_ARN, SEED, SEED_VERSION, captureLogs, setUp } from "./fakes";

beforeEach(() => {
  captureLogs();
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A secret after a first rotation: `password` set, the version labelled AWSCURRENT. */
function rotatedSeed(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SEED, password: "Current-Password-0123456789abcd", ...overrides };
}

describe("createSecret", () => {
  test("bootstrap: adds a password to the seed and keeps every other key", async () => {
    const { secrets, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    await invoke("createSecret", token);

    expect(secrets.json("AWSPENDING")).toEqual({ ...SEED, password: secrets.generated[0] });
    expect(secrets.stagesOf(token)).toEqual(["AWSPENDING"]);
    expect(secrets.stagesOf(SEED_VERSION)).toEqual(["AWSCURRENT", "TERRAFORM_SEED"]);
    expect(secrets.commandNames()).toEqual(["DescribeSecret", "GetSecretValue", "GetRandomPassword", "PutSecretValue"]);
    expect(secrets.mock.commandCalls(PutSecretValueCommand)[0].args[0].input).toMatchObject({
      SecretId: SECRET_ARN,
      ClientRequestToken: token,
      VersionStages: ["AWSPENDING"],
    });
  });

  test("a retry after success keeps the stored pending password", async () => {
    const logs = captureLogs();
    const { secrets, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    await invoke("createSecret", token);
    const first = secrets.json("AWSPENDING");
    await invoke("createSecret", token);

    expect(secrets.json("AWSPENDING")).toEqual(first);
    expect(secrets.generated).toHaveLength(2);
    expect(logs.lines().map((l) => [l.outcome, l.message])).toEqual([
      ["success", "stored a new password for user app in the AWSPENDING version"],
      ["noop", "the AWSPENDING version already has a value from an earlier attempt; kept it"],
    ]);
  });

  test("passes the event's RotationToken on to PutSecretValue", async () => {
    const { secrets, handler } = setUp("single-user");
    const token = secrets.beginRotation();
    await handler({ SecretId: SECRET_ARN, ClientRequestToken: token, Step: "createSecret", RotationToken: "rot-123" });
    expect(secrets.mock.commandCalls(PutSecretValueCommand)[0].args[0].input.RotationToken).toBe("rot-123");
  });

  test.each([
    ["bootstrap keeps the configured user", SEED, "app"],
    ["app becomes app_clone", rotatedSeed(), "app_clone"],
    ["app_clone becomes app", rotatedSeed({ username: "app_clone" }), "app"],
  ])("alternating users: %s", async (_, seed, expected) => {
    const { secrets, invoke } = setUp("alternating-users", { seed });
    await invoke("createSecret", secrets.beginRotation());
    expect(secrets.json("AWSPENDING").username).toBe(expected);
  });

  test("single user: the user name never changes", async () => {
    const { secrets, invoke } = setUp("single-user", { seed: rotatedSeed() });
    await invoke("createSecret", secrets.beginRotation());
    expect(secrets.json("AWSPENDING")).toEqual({ ...rotatedSeed(), password: secrets.generated[0] });
  });

  test("alternating users: a clone name longer than MySQL's 32 characters is refused", async () => {
    const username = "u".repeat(27);
    const { secrets, invoke } = setUp("alternating-users", { seed: rotatedSeed({ username }) });
    await expect(invoke("createSecret", secrets.beginRotation())).rejects.toThrow(
      `alternating-users: the alternate user ${username}_clone would have 33 characters, more than the 32 that mysql allows; "username" may have at most 26`,
    );
    expect(secrets.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test("alternating users: a user named like the suffix alone has no alternate", async () => {
    const { secrets, invoke } = setUp("alternating-users", { seed: rotatedSeed({ username: "_clone" }) });
    await expect(invoke("createSecret", secrets.beginRotation())).rejects.toThrow(
      "alternating-users: user _clone has no name left without _clone",
    );
  });

  test("alternating users: MariaDB allows longer names", async () => {
    const username = "u".repeat(27);
    const { secrets, invoke } = setUp("alternating-users", { seed: rotatedSeed({ engine: "mariadb", username }) });
    await invoke("createSecret", secrets.beginRotation());
    expect(secrets.json("AWSPENDING").username).toBe(`${username}_clone`);
  });

  test.each([
    ["single-user", SEED, 'secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/app-AbCdEf version AWSCURRENT: "masterarn" is required to create the user on the first rotation (the secret has no password yet)'],
    ["alternating-users", rotatedSeed(), 'secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/app-AbCdEf version AWSCURRENT: "masterarn" is required by the alternating-users strategy'],
  ] as const)("%s: a missing masterarn is refused before anything is written", async (strategy, seed, message) => {
    const { secrets, invoke } = setUp(strategy, { seed: { ...seed, masterarn: undefined } });
    await expect(invoke("createSecret", secrets.beginRotation())).rejects.toThrow(message);
    expect(secrets.commandNames()).toEqual(["DescribeSecret", "GetSecretValue"]);
  });

  test("single user after the first rotation needs no masterarn", async () => {
    const { secrets, invoke } = setUp("single-user", { seed: rotatedSeed({ masterarn: undefined }) });
    await invoke("createSecret", secrets.beginRotation());
    expect(secrets.json("AWSPENDING").masterarn).toBeUndefined();
  });
});

describe("bad secret values are refused with a message naming the field, and nothing is written", () => {
  const source = `secret ${SECRET_ARN} version AWSCURRENT`;
  const secretPassword = "Leaky-Password-0123456789";
  test.each([
    ["malformed JSON", `{"engine": "mysql", "password": "${secretPassword}"`, `${source}: value is not valid JSON`],
    ["a JSON array", "[1, 2]", `${source}: value is not a JSON object`],
    ["unknown engine", { ...SEED, engine: "oracle" }, `${source}: "engine" must be one of mysql, mariadb, aurora-mysql, postgres, aurora-postgresql`],
    ["missing engine", { ...SEED, engine: undefined }, `${source}: "engine" must be one of`],
    ["missing host", { ...SEED, host: undefined }, `${source}: "host" must be a non-empty string`],
    ["blank host", { ...SEED, host: " " }, `${source}: "host" must be a non-empty string without whitespace`],
    ["port 0", { ...SEED, port: 0 }, `${source}: "port" must be an integer from 1 to 65535`],
    ["port as words", { ...SEED, port: "three" }, `${source}: "port" must be an integer from 1 to 65535`],
    ["port too high", { ...SEED, port: 70000 }, `${source}: "port" must be an integer from 1 to 65535`],
    ["missing username", { ...SEED, username: undefined }, `${source}: "username" must be a non-empty string`],
    ["username with a quote", { ...SEED, username: "app'--" }, `${source}: "username" must consist of letters, digits and _, starting with a letter or _`],
    ["username too long", { ...SEED, username: "u".repeat(33) }, `${source}: "username" must be at most 32 characters long for engine mysql`],
    ["missing dbname", { ...SEED, dbname: undefined }, `${source}: "dbname" must be a non-empty string`],
    ["dbname with a dot", { ...SEED, dbname: "app.db" }, `${source}: "dbname" must consist of letters, digits and _`],
    ["empty password", { ...SEED, password: "" }, `${source}: "password" must be a non-empty string`],
    ["numeric password", { ...SEED, password: 1234 }, `${source}: "password" must be a non-empty string`],
    ["empty masterarn", { ...SEED, masterarn: "" }, `${source}: "masterarn" must be a non-empty string`],
    ["ssl as text", { ...SEED, ssl: "yes" }, `${source}: "ssl" must be true or false`],
    ["unknown privilege", { ...SEED, privileges: ["SELECT", "ALL"] }, `${source}: "privileges" must be a non-empty array of SELECT, INSERT, UPDATE, DELETE`],
    ["no privileges", { ...SEED, privileges: [] }, `${source}: "privileges" must be a non-empty array of`],
    ["privileges as text", { ...SEED, privileges: "SELECT" }, `${source}: "privileges" must be a non-empty array of`],
  ])("%s", async (_, seed, message) => {
    const logs = captureLogs();
    const { secrets, invoke } = setUp("single-user", { seed: seed as Record<string, unknown> | string });
    const error = await invoke("createSecret", secrets.beginRotation()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toContain(secretPassword);
    expect(logs.text()).not.toContain(secretPassword);
    expect(secrets.mock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secrets.mock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  test("a master secret that is not JSON is refused without echoing it", async () => {
    const { secrets, database, invoke } = setUp("single-user");
    secrets.masterValue = `username=admin password=${secretPassword}`;
    const token = secrets.beginRotation();
    await invoke("createSecret", token);
    const error = (await invoke("setSecret", token).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(`master secret ${MASTER_ARN}: value is not valid JSON`);
    expect(database.connections).toEqual([]);
  });

  test("a master secret without a password is refused", async () => {
    const { secrets, invoke } = setUp("single-user");
    secrets.masterValue = JSON.stringify({ username: "admin" });
    const token = secrets.beginRotation();
    await invoke("createSecret", token);
    await expect(invoke("setSecret", token)).rejects.toThrow(`master secret ${MASTER_ARN}: "password" must be a non-empty string`);
  });
});

describe("setSecret", () => {
  /** Runs createSecret, then prepares the database, then returns setSecret's promise. */
  async function setSecretAfter(
    strategy: "single-user" | "alternating-users",
    seed: Record<string, unknown>,
    prepare: (context: ReturnType<typeof setUp>) => void = () => undefined,
  ) {
    const context = setUp(strategy, { seed });
    const token = context.secrets.beginRotation();
    await context.invoke("createSecret", token);
    prepare(context);
    const pending = context.secrets.json("AWSPENDING");
    return { ...context, token, pending, result: context.invoke("setSecret", token) };
  }

  test("bootstrap: the master user creates the user with the configured privileges", async () => {
    const { database, pending, result } = await setSecretAfter("single-user", SEED);
    await result;
    expect(database.connections.map((c) => [c.username, c.target])).toEqual([
      [MASTER.username, { engine: "mysql", host: SEED.host, port: SEED.port, dbname: SEED.dbname }],
    ]);
    expect(database.operations).toEqual(["createUser app", "grantPrivileges app appdb SELECT,INSERT"]);
    expect(database.users.get("app")).toEqual({ password: pending.password, privileges: ["SELECT on appdb", "INSERT on appdb"] });
    expect(database.openSessions).toBe(0);
  });

  test("bootstrap: without `privileges` the user gets SELECT only", async () => {
    const { database, result } = await setSecretAfter("single-user", { ...SEED, privileges: undefined });
    await result;
    expect(database.users.get("app")?.privileges).toEqual(["SELECT on appdb"]);
  });

  test("bootstrap: an existing user gets the pending password and the privileges", async () => {
    const { database, pending, result } = await setSecretAfter("single-user", SEED, ({ database: db }) =>
      db.users.set("app", { password: "unknown-to-us", privileges: [] }),
    );
    await result;
    expect(database.operations).toEqual(["setPassword app", "grantPrivileges app appdb SELECT,INSERT"]);
    expect(database.users.get("app")?.password).toBe(pending.password);
  });

  test("single user: already set by an earlier attempt -> nothing to do", async () => {
    const { database, result } = await setSecretAfter("single-user", rotatedSeed(), ({ database: db, secrets }) =>
      db.users.set("app", { password: secrets.json("AWSPENDING").password as string, privileges: [] }),
    );
    await result;
    expect(database.operations).toEqual([]);
    expect(database.connections.map((c) => c.username)).toEqual(["app"]);
  });

  test("single user: logs in with the current password and changes it", async () => {
    const { database, secrets, pending, result } = await setSecretAfter("single-user", rotatedSeed(), ({ database: db }) =>
      db.users.set("app", { password: rotatedSeed().password as string, privileges: [] }),
    );
    await result;
    expect(database.operations).toEqual(["setOwnPassword app"]);
    expect(database.users.get("app")?.password).toBe(pending.password);
    expect(database.connections.map((c) => c.username)).toEqual(["app", "app"]);
    expect(secrets.commandNames().slice(4)).toEqual(["DescribeSecret", "GetSecretValue", "GetSecretValue"]);
  });

  test("single user: falls back to the previous password", async () => {
    const context = setUp("single-user", { seed: rotatedSeed() });
    context.secrets.addVersion("33333333-2222-4333-8444-555555555555", JSON.stringify(rotatedSeed({ password: "Previous-Password-0123456789" })), ["AWSPREVIOUS"]);
    context.database.users.set("app", { password: "Previous-Password-0123456789", privileges: [] });
    const token = context.secrets.beginRotation();
    await context.invoke("createSecret", token);
    await context.invoke("setSecret", token);
    expect(context.database.operations).toEqual(["setOwnPassword app"]);
    expect(context.database.users.get("app")?.password).toBe(context.secrets.json("AWSPENDING").password);
    expect(context.database.connections).toHaveLength(3);
  });

  test("single user: no password logs in -> a clear error and nothing changes", async () => {
    const { database, result } = await setSecretAfter("single-user", rotatedSeed(), ({ database: db }) =>
      db.users.set("app", { password: "changed-by-someone", privileges: [] }),
    );
    await expect(result).rejects.toThrow(
      "the current password of user app no longer logs in, nor do the pending and previous ones; " +
        "reset the password of app with the master user to the AWSCURRENT value, then rotate again",
    );
    expect(database.operations).toEqual([]);
    expect(database.users.get("app")?.password).toBe("changed-by-someone");
  });

  test("single user: a connection failure other than a refused password is not taken for one", async () => {
    const { database, result } = await setSecretAfter("single-user", rotatedSeed(), ({ database: db }) =>
      db.failNext("connect"),
    );
    await expect(result).rejects.toThrow("connect failed: injected");
    expect(database.connections).toHaveLength(1);
  });

  test("alternating users: the master user creates the clone with the privileges of the current user", async () => {
    const { database, pending, result } = await setSecretAfter("alternating-users", rotatedSeed(), ({ database: db }) =>
      db.users.set("app", { password: rotatedSeed().password as string, privileges: ["SELECT on appdb", "UPDATE on t"] }),
    );
    await result;
    expect(database.operations).toEqual(["createUser app_clone", "copyPrivileges app app_clone"]);
    expect(database.users.get("app_clone")).toEqual({ password: pending.password, privileges: ["SELECT on appdb", "UPDATE on t"] });
    expect(database.users.get("app")?.password).toBe(rotatedSeed().password);
  });

  test("alternating users: back to the base user, which gets the configured privileges again", async () => {
    const { database, pending, result } = await setSecretAfter(
      "alternating-users",
      rotatedSeed({ username: "app_clone" }),
      ({ database: db }) => {
        db.users.set("app", { password: "older-password", privileges: ["SELECT on appdb"] });
        db.users.set("app_clone", { password: rotatedSeed().password as string, privileges: ["SELECT on appdb"] });
      },
    );
    await result;
    expect(database.operations).toEqual(["setPassword app", "grantPrivileges app appdb SELECT,INSERT"]);
    expect(database.users.get("app")?.password).toBe(pending.password);
  });

  test("refuses to touch the master user", async () => {
    const { database, result } = await setSecretAfter("single-user", { ...SEED, username: MASTER.username });
    await expect(result).rejects.toThrow(
      `secret ${SECRET_ARN}: user ${MASTER.username} is the master user of ${MASTER_ARN}, which this function must not change`,
    );
    expect(database.connections).toEqual([]);
  });

  test.each([
    ["another database", "single-user", { host: "other.example.internal" }, "host"],
    ["plaintext, where the current version asks for TLS", "single-user", { ssl: false }, "ssl"],
    ["plaintext for the master user", "alternating-users", { username: "app_clone", ssl: false }, "ssl"],
    ["another master secret", "alternating-users", { username: "app_clone", masterarn: `${MASTER_ARN}-other` }, "masterarn"],
  ] as const)("refuses a pending version that points at %s, before connecting", async (_, strategy, pendingChanges, key) => {
    const context = setUp(strategy, { seed: rotatedSeed() });
    const token = context.secrets.beginRotation();
    context.secrets.addVersion(token, JSON.stringify(rotatedSeed({ ...pendingChanges, password: "x-password-0123" })), ["AWSPENDING"]);
    await expect(context.invoke("setSecret", token)).rejects.toThrow(
      `secret ${SECRET_ARN}: "${key}" of the AWSPENDING version differs from the AWSCURRENT version; ` +
        "refusing to use a database or connection settings other than the current ones",
    );
    expect(context.database.connections).toEqual([]);
    expect(context.secrets.commandNames()).toEqual(["DescribeSecret", "GetSecretValue", "GetSecretValue"]);
  });

  test("refuses a pending version for an unexpected user", async () => {
    const context = setUp("alternating-users", { seed: rotatedSeed() });
    const token = context.secrets.beginRotation();
    context.secrets.addVersion(token, JSON.stringify(rotatedSeed({ password: "x-password-0123" })), ["AWSPENDING"]);
    await expect(context.invoke("setSecret", token)).rejects.toThrow(
      `secret ${SECRET_ARN}: the AWSPENDING version is for user app, but the alternating-users strategy rotates user app to app_clone`,
    );
    expect(context.database.connections).toEqual([]);
  });

  test("refuses a pending version without a password", async () => {
    const context = setUp("single-user", { seed: rotatedSeed() });
    const token = context.secrets.beginRotation();
    context.secrets.addVersion(token, JSON.stringify(SEED), ["AWSPENDING"]);
    await expect(context.invoke("setSecret", token)).rejects.toThrow(
      `secret ${SECRET_ARN} version AWSPENDING: "password" is missing`,
    );
  });
});

describe("testSecret", () => {
  test("logs in with the pending credentials and runs a query", async () => {
    const { secrets, database, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    await invoke("createSecret", token);
    await invoke("setSecret", token);
    await invoke("testSecret", token);
    expect(database.operations.at(-1)).toBe("test app");
    expect(database.openSessions).toBe(0);
  });

  test("fails when the pending password does not log in", async () => {
    const { secrets, database, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    await invoke("createSecret", token);
    await expect(invoke("testSecret", token)).rejects.toThrow("connect as app failed: access denied");
    expect(database.operations).toEqual([]);
  });
});

describe("finishSecret", () => {
  test("moves AWSCURRENT to the token once; the seed keeps its own label", async () => {
    const { secrets, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    await invoke("finishSecret", token);
    await invoke("finishSecret", token);

    expect(secrets.mock.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_ARN, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: SEED_VERSION },
    ]);
    expect(secrets.stagesOf(token)).toEqual(["AWSCURRENT", "AWSPENDING"]);
    expect(secrets.stagesOf(SEED_VERSION)).toEqual(["AWSPREVIOUS", "TERRAFORM_SEED"]);
    expect(secrets.commandNames()).toEqual(["DescribeSecret", "UpdateSecretVersionStage", "DescribeSecret"]);
  });
});
