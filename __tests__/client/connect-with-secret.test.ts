import type { GetSecretValueCommand, GetSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { type DatabaseCredentials, connectWithSecret, parseDatabaseCredentials } from "../../client/connect-with-secret";
import { DEFAULT_FORCE_REFRESH_INTERVAL_MS, type GetSecretValueClient, SecretCache, SecretCacheError } from "../../client/secret-cache";
import { mysqlError, pgError } from "../support/driver-errors";
import { SENTINEL_PASSWORD, databaseSecret, errorText, manualClock, useSecretsManager } from "./fixtures";

const MYSQL_ACCESS_DENIED = () => mysqlError("ER_ACCESS_DENIED_ERROR", 1045, "28000");
const MYSQL_DB_ACCESS_DENIED = () => mysqlError("ER_DBACCESS_DENIED_ERROR", 1044, "42000");
const PG_PASSWORD_REJECTED = () => pgError("28P01");
const PG_LOGIN_REFUSED = () => pgError("28000");

const sm = useSecretsManager();

/** A cache with the default settings on a manual clock, and the secret app/db with the password "old". */
async function setup(client: GetSecretValueClient = sm.client()) {
  const clock = manualClock();
  const cache = new SecretCache({ client, now: clock.now });
  await sm.put("app/db", databaseSecret({ password: "old" }));
  return { clock, cache };
}

/** What a rotation leaves behind: the database takes `password`, and so does AWSCURRENT. */
async function rotateTo(db: { password: string }, password: string): Promise<void> {
  db.password = password;
  await sm.put("app/db", databaseSecret({ password }));
}

/**
 * A database that accepts one password, failing others with `loginError`, and records
 * the passwords it was offered.
 */
function database(password: string, loginError: () => Error) {
  const db = {
    password,
    attempts: [] as string[],
    connect: async (credentials: DatabaseCredentials): Promise<string> => {
      db.attempts.push(credentials.password);
      if (credentials.password !== db.password) {
        throw loginError();
      }
      return `connection as ${credentials.username}`;
    },
  };
  return db;
}

/**
 * A client whose answers wait while it is held. The stand-in reads the value when the
 * request arrives; `received` resolves when a held answer has come back from it.
 */
function heldClient(client: GetSecretValueClient) {
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  let answered = (): void => undefined;
  const held = {
    received: Promise.resolve(),
    async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
      const answer = await client.send(command);
      if (gate !== undefined) {
        answered();
        await gate;
      }
      return answer;
    },
    hold(): void {
      gate = new Promise((resolve) => (open = resolve));
      held.received = new Promise((resolve) => (answered = resolve));
    },
    release(): void {
      gate = undefined;
      open();
    },
  };
  return held;
}

describe("parseDatabaseCredentials", () => {
  test("returns the connection keys, with a numeric port", () => {
    expect(parseDatabaseCredentials(databaseSecret({ port: "3306", ssl: false }), "app/db")).toEqual({
      username: "app",
      password: SENTINEL_PASSWORD,
      host: "db.internal",
      port: 3306,
      dbname: "orders",
      ssl: false,
    });
  });

  test("dbname and ssl are optional", () => {
    const credentials = parseDatabaseCredentials(databaseSecret({ dbname: undefined }), "app/db");
    expect(credentials).toEqual({ username: "app", password: SENTINEL_PASSWORD, host: "db.internal", port: 5432 });
  });

  test.each([
    [
      "the seed version (no password yet)",
      databaseSecret({ password: undefined }),
      "secret app/db (AWSCURRENT) is missing database keys: password (a new secret has no password until its first rotation)",
    ],
    [
      "missing host and port",
      databaseSecret({ host: undefined, port: null }),
      "secret app/db (AWSCURRENT) is missing database keys: host, port",
    ],
    [
      "wrong types",
      databaseSecret({ username: "", port: 70000, dbname: 5, ssl: "yes", host: 1 }),
      "secret app/db (AWSCURRENT) has invalid database keys: username (a non-empty string), " +
        "host (a non-empty string without whitespace), port (an integer from 1 to 65535), dbname (a non-empty string), " +
        "ssl (true or false)",
    ],
    ["an array", JSON.stringify([SENTINEL_PASSWORD]), "secret app/db (AWSCURRENT) is not a JSON object"],
    ["not JSON", `{"password":"${SENTINEL_PASSWORD}"`, "secret app/db (AWSCURRENT) is not valid JSON"],
  ])("%s is a clear error without any value", (_case, secretString, message) => {
    let thrown: unknown;
    try {
      parseDatabaseCredentials(secretString, "app/db");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretCacheError);
    expect((thrown as Error).message).toBe(message);
    expect(errorText(thrown)).not.toContain(SENTINEL_PASSWORD);
  });
});

describe("connectWithSecret", () => {
  test("connects with the cached credentials, reading Secrets Manager once", async () => {
    const { cache } = await setup();
    const db = database("old", MYSQL_ACCESS_DENIED);

    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "old"]);
    expect(sm.calls()).toBe(1);
  });

  test.each([
    ["mysql2 ER_ACCESS_DENIED_ERROR", MYSQL_ACCESS_DENIED],
    ["pg 28P01", PG_PASSWORD_REJECTED],
  ])("after a rotation, a rejected password (%s) forces one refresh and one retry", async (_driver, loginError) => {
    const { cache } = await setup();
    const db = database("old", loginError);
    await connectWithSecret(cache, "app/db", db.connect);

    await rotateTo(db, "new");
    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "old", "new"]);
    expect(sm.calls()).toBe(2);

    await connectWithSecret(cache, "app/db", db.connect);
    expect(sm.calls()).toBe(2);
  });

  test("a login refused for another reason (pg 28000) comes back at once, without a call", async () => {
    const { cache } = await setup();
    const db = database("old", PG_LOGIN_REFUSED);
    await connectWithSecret(cache, "app/db", db.connect);

    await rotateTo(db, "new");
    await expect(connectWithSecret(cache, "app/db", db.connect)).rejects.toMatchObject({ code: "28000" });
    expect(db.attempts).toEqual(["old", "old"]);
    expect(sm.calls()).toBe(1);
  });

  test("retries exactly once: a second authentication error propagates", async () => {
    const { cache } = await setup();
    const second = PG_PASSWORD_REJECTED();
    const errors = [PG_PASSWORD_REJECTED(), second];
    const attempts: string[] = [];
    const connect = async (credentials: DatabaseCredentials): Promise<never> => {
      attempts.push(credentials.password);
      await sm.put("app/db", databaseSecret({ password: `v${attempts.length + 1}` }));
      throw errors.shift();
    };

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(second);
    expect(attempts).toEqual(["old", "v2"]);
    expect(sm.calls()).toBe(2);
  });

  test("when the refreshed secret is unchanged, the authentication error is rethrown without a retry", async () => {
    const { cache } = await setup();
    const denied = MYSQL_ACCESS_DENIED();
    const connect = jest.fn(async () => {
      throw denied;
    });

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(denied);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(sm.calls()).toBe(2);
  });

  test.each([
    ["a rejected password (mysql2)", MYSQL_ACCESS_DENIED],
    ["a login refused for another reason (pg 28000)", PG_LOGIN_REFUSED],
  ])("after %s, uses a value another caller has already read, without another call", async (_case, loginError) => {
    const { cache } = await setup();
    const db = database("old", loginError);
    await connectWithSecret(cache, "app/db", db.connect);
    await rotateTo(db, "new");

    const connect = async (credentials: DatabaseCredentials): Promise<string> => {
      if (credentials.password === "old") {
        await cache.get("app/db", { forceRefresh: true }); // another caller's refresh
      }
      return db.connect(credentials);
    };
    await expect(connectWithSecret(cache, "app/db", connect)).resolves.toBe("connection as app");
    expect(sm.calls()).toBe(2);
  });

  test("concurrent authentication failures share one refresh", async () => {
    const { cache } = await setup();
    const db = database("old", PG_PASSWORD_REJECTED);
    await connectWithSecret(cache, "app/db", db.connect);
    await rotateTo(db, "new");

    const results = await Promise.all(Array.from({ length: 8 }, () => connectWithSecret(cache, "app/db", db.connect)));
    expect(results).toEqual(Array(8).fill("connection as app"));
    expect(sm.calls()).toBe(2);
  });

  test.each([
    ["one after the other, 1 ms apart", false],
    ["all at once", true],
  ])(
    "1,000 rejected passwords within one interval (%s) cost one refresh; a rotation after the interval is picked up at its first failure",
    async (_case, concurrent) => {
      const { clock, cache } = await setup();
      // The password was changed behind the secret's back: every login is rejected.
      const db = database("changed by hand", MYSQL_ACCESS_DENIED);
      const attempt = () => connectWithSecret(cache, "app/db", db.connect).then(
        () => "connected",
        (error: unknown) => (error as { code?: unknown }).code,
      );

      let outcomes: unknown[] = [];
      if (concurrent) {
        outcomes = await Promise.all(Array.from({ length: 1_000 }, attempt));
      } else {
        for (let n = 0; n < 1_000; n += 1) {
          outcomes.push(await attempt());
          clock.advance(1);
        }
      }
      expect(outcomes).toEqual(Array(1_000).fill("ER_ACCESS_DENIED_ERROR"));
      // The first read, and one forced refresh that found the same value.
      expect(sm.calls()).toBe(2);
      expect(db.attempts).toHaveLength(1_000);

      await rotateTo(db, "new");
      clock.advance(DEFAULT_FORCE_REFRESH_INTERVAL_MS);
      await expect(attempt()).resolves.toBe("connected");
      expect(db.attempts.slice(-2)).toEqual(["old", "new"]);
      expect(sm.calls()).toBe(3);
    },
  );

  test("after a refresh inside a single-user rotation's window, the new password is read once the interval has passed", async () => {
    const client = heldClient(sm.client());
    const { clock, cache } = await setup(client);
    const db = database("old", PG_PASSWORD_REJECTED);
    await connectWithSecret(cache, "app/db", db.connect);

    // Inside the window: the database has the new password, AWSCURRENT not yet.
    db.password = "new";
    client.hold();
    const inWindow = connectWithSecret(cache, "app/db", db.connect);
    await client.received; // its forced refresh has read "old"
    expect(sm.calls()).toBe(2);
    await rotateTo(db, "new"); // finishSecret
    const afterRotation = connectWithSecret(cache, "app/db", db.connect); // joins that refresh
    client.release();

    // Neither retries: the shared refresh returned the value they used, and a second
    // forced refresh within the interval makes no call.
    await expect(inWindow).rejects.toMatchObject({ code: "28P01" });
    await expect(afterRotation).rejects.toMatchObject({ code: "28P01" });
    expect(db.attempts).toEqual(["old", "old", "old"]);
    expect(sm.calls()).toBe(2);

    clock.advance(DEFAULT_FORCE_REFRESH_INTERVAL_MS);
    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    expect(db.attempts.slice(3)).toEqual(["old", "new"]);
    expect(sm.calls()).toBe(3);
  });

  test.each([
    ["a refused connection", () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["mysql2 ER_DBACCESS_DENIED_ERROR (1044)", MYSQL_DB_ACCESS_DENIED],
    ["pg 3D000 (no such database)", () => pgError("3D000")],
  ])("%s is rethrown unchanged, without a refresh", async (_case, makeError) => {
    const { cache } = await setup();
    const error = makeError();
    const connect = jest.fn(async () => {
      throw error;
    });

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(error);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(sm.calls()).toBe(1);
  });

  test("honours a custom loginFailureOf", async () => {
    const { cache } = await setup();
    const custom = new Error("login rejected");
    const db = database("new", () => custom);
    await cache.get("app/db");
    await sm.put("app/db", databaseSecret({ password: "new" }));

    const options = { loginFailureOf: (error: unknown) => (error === custom ? ("password-rejected" as const) : undefined) };
    await expect(connectWithSecret(cache, "app/db", db.connect, options)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "new"]);
  });

  test("a secret missing keys fails before connecting, naming the keys only", async () => {
    const { cache } = await setup();
    await sm.put("app/new", databaseSecret({ password: undefined, host: undefined }));
    const connect = jest.fn(async () => "never");

    const error = await connectWithSecret(cache, "app/new", connect).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "secret app/new (AWSCURRENT) is missing database keys: password, host (a new secret has no password until its first rotation)",
    );
    expect(connect).not.toHaveBeenCalled();
  });
});
