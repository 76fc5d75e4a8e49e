import {
  type DatabaseCredentials,
  connectWithSecret,
  isAuthenticationError,
  parseDatabaseCredentials,
} from "../../client/connect-with-secret";
import { SecretCache, SecretCacheError } from "../../client/secret-cache";
import { SENTINEL_PASSWORD, databaseSecret, errorText, fakeSecretsManager, manualClock } from "./fake-secrets-manager";

/** Error objects shaped as the drivers throw them (mysql2 3.x, pg 8.x). */
function mysqlError(code: string, errno: number, sqlState: string): Error {
  return Object.assign(new Error(`${code}: Access denied for user 'app'@'10.0.0.1'`), { code, errno, sqlState, fatal: true });
}
function pgError(code: string): Error {
  return Object.assign(new Error(`pg error ${code}`), { code, severity: "FATAL" });
}

const MYSQL_ACCESS_DENIED = () => mysqlError("ER_ACCESS_DENIED_ERROR", 1045, "28000");
const MYSQL_DB_ACCESS_DENIED = () => mysqlError("ER_DBACCESS_DENIED_ERROR", 1044, "42000");

function setup() {
  const sm = fakeSecretsManager();
  const cache = new SecretCache({ client: sm.client, now: manualClock().now });
  sm.put("app/db", databaseSecret({ password: "old" }));
  return { sm, cache };
}

/**
 * A database that accepts one password, failing others with `authError`, and records
 * the passwords it was offered.
 */
function database(acceptedPassword: () => string, authError: () => Error) {
  const attempts: string[] = [];
  const connect = async (credentials: DatabaseCredentials): Promise<string> => {
    attempts.push(credentials.password);
    if (credentials.password !== acceptedPassword()) {
      throw authError();
    }
    return `connection as ${credentials.username}`;
  };
  return { attempts, connect };
}

describe("isAuthenticationError", () => {
  test.each([
    ["mysql2 ER_ACCESS_DENIED_ERROR (1045)", true, MYSQL_ACCESS_DENIED()],
    ["pg 28P01 invalid_password", true, pgError("28P01")],
    ["pg 28000 invalid_authorization_specification", true, pgError("28000")],
    ["an auth error as the cause of a wrapper", true, new Error("pool", { cause: pgError("28P01") })],
    ["mysql2 ER_DBACCESS_DENIED_ERROR (1044): authorization, not authentication", false, MYSQL_DB_ACCESS_DENIED()],
    ["mysql2 ER_BAD_DB_ERROR", false, mysqlError("ER_BAD_DB_ERROR", 1049, "42000")],
    ["pg 3D000 invalid_catalog_name", false, pgError("3D000")],
    ["pg 53300 too_many_connections", false, pgError("53300")],
    ["a refused TCP connection", false, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED", errno: -111 })],
    ["a string", false, "28P01"],
    ["undefined", false, undefined],
  ])("%s → %s", (_case, expected, error) => {
    expect(isAuthenticationError(error)).toBe(expected);
  });
});

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
    const { sm, cache } = setup();
    const db = database(() => "old", MYSQL_ACCESS_DENIED);

    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "old"]);
    expect(sm.calls()).toBe(1);
  });

  test.each([
    ["mysql2", MYSQL_ACCESS_DENIED],
    ["pg 28P01", () => pgError("28P01")],
    ["pg 28000", () => pgError("28000")],
  ])("after a rotation, a %s authentication error forces one refresh and one retry", async (_driver, authError) => {
    const { sm, cache } = setup();
    let password = "old";
    const db = database(() => password, authError);
    await connectWithSecret(cache, "app/db", db.connect);

    password = "new";
    sm.put("app/db", databaseSecret({ password: "new" }));
    await expect(connectWithSecret(cache, "app/db", db.connect)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "old", "new"]);
    expect(sm.calls()).toBe(2);

    await connectWithSecret(cache, "app/db", db.connect);
    expect(sm.calls()).toBe(2);
  });

  test("retries exactly once: a second authentication error propagates", async () => {
    const { sm, cache } = setup();
    const second = pgError("28P01");
    const errors = [pgError("28P01"), second];
    sm.put("app/db", databaseSecret({ password: "old" }));
    const attempts: string[] = [];
    const connect = async (credentials: DatabaseCredentials): Promise<never> => {
      attempts.push(credentials.password);
      sm.put("app/db", databaseSecret({ password: `v${attempts.length + 1}` }));
      throw errors.shift();
    };

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(second);
    expect(attempts).toEqual(["old", "v2"]);
    expect(sm.calls()).toBe(2);
  });

  test("when the refreshed secret is unchanged, the authentication error is rethrown without a retry", async () => {
    const { sm, cache } = setup();
    const denied = MYSQL_ACCESS_DENIED();
    const connect = jest.fn(async () => {
      throw denied;
    });

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(denied);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(sm.calls()).toBe(2);
  });

  test("uses a value another caller already refreshed, without another call", async () => {
    const { sm, cache } = setup();
    let password = "old";
    const db = database(() => password, MYSQL_ACCESS_DENIED);
    await connectWithSecret(cache, "app/db", db.connect);
    password = "new";
    sm.put("app/db", databaseSecret({ password: "new" }));

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
    const { sm, cache } = setup();
    let password = "old";
    const db = database(() => password, () => pgError("28P01"));
    await connectWithSecret(cache, "app/db", db.connect);
    password = "new";
    sm.put("app/db", databaseSecret({ password: "new" }));

    const results = await Promise.all(Array.from({ length: 8 }, () => connectWithSecret(cache, "app/db", db.connect)));
    expect(results).toEqual(Array(8).fill("connection as app"));
    expect(sm.calls()).toBe(2);
  });

  test("a connection that starts after a rotation succeeds with one retry, even behind a refresh read before it", async () => {
    const { sm, cache } = setup();
    let password = "old";
    const db = database(() => password, () => pgError("28P01"));
    await connectWithSecret(cache, "app/db", db.connect);

    // Single user, inside the window: the database has the new password, AWSCURRENT not yet.
    password = "new";
    const release = sm.hold();
    const inWindow = connectWithSecret(cache, "app/db", db.connect);
    await new Promise((resolve) => setImmediate(resolve)); // its forced refresh read "old" and is in flight
    expect(sm.calls()).toBe(2);
    sm.put("app/db", databaseSecret({ password: "new" })); // finishSecret
    const afterRotation = connectWithSecret(cache, "app/db", db.connect); // joins that refresh
    release();

    // The connection inside the window fails without a retry: AWSCURRENT was unchanged.
    await expect(inWindow).rejects.toMatchObject({ code: "28P01" });
    // The one after the rotation got "old" from the shared refresh, failed once, and its
    // own refresh, started after its failure, read "new".
    await expect(afterRotation).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "old", "old", "new"]);
    expect(sm.calls()).toBe(3);
  });

  test.each([
    ["a refused connection", () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["mysql2 ER_DBACCESS_DENIED_ERROR (1044)", MYSQL_DB_ACCESS_DENIED],
    ["pg 3D000 (no such database)", () => pgError("3D000")],
  ])("%s is rethrown unchanged, without a refresh", async (_case, makeError) => {
    const { sm, cache } = setup();
    const error = makeError();
    const connect = jest.fn(async () => {
      throw error;
    });

    await expect(connectWithSecret(cache, "app/db", connect)).rejects.toBe(error);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(sm.calls()).toBe(1);
  });

  test("honours a custom isAuthError", async () => {
    const { sm, cache } = setup();
    const custom = new Error("login rejected");
    const db = database(() => "new", () => custom);
    await cache.get("app/db");
    sm.put("app/db", databaseSecret({ password: "new" }));

    const options = { isAuthError: (error: unknown) => error === custom };
    await expect(connectWithSecret(cache, "app/db", db.connect, options)).resolves.toBe("connection as app");
    expect(db.attempts).toEqual(["old", "new"]);
  });

  test("a secret missing keys fails before connecting, naming the keys only", async () => {
    const { sm, cache } = setup();
    sm.put("app/new", databaseSecret({ password: undefined, host: undefined }));
    const connect = jest.fn(async () => "never");

    const error = await connectWithSecret(cache, "app/new", connect).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "secret app/new (AWSCURRENT) is missing database keys: password, host (a new secret has no password until its first rotation)",
    );
    expect(connect).not.toHaveBeenCalled();
  });
});
