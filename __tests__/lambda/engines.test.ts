/**
 * The engine modules against mocked drivers: the SQL they send, how values are bound
 * or escaped, the connection options (TLS, timeouts) and what their errors keep.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkServerIdentity, connect as tlsConnect, createServer as createTlsServer } from "node:tls";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import type { ConnectOptions, ConnectionTarget, DatabaseSession } from "../../lambda/engines/engine";
import { mysqlEngine, readGrants } from "../../lambda/engines/mysql";
import { postgresEngine } from "../../lambda/engines/postgres";
import { md5Verifier, scramSha256Verifier } from "../../lambda/engines/postgres-password";
import { DatabaseError } from "../../lambda/errors";

jest.mock("mysql2/promise", () => ({ ...jest.requireActual("mysql2/promise"), createConnection: jest.fn() }));
jest.mock("pg", () => ({ ...jest.requireActual("pg"), Client: jest.fn() }));

const PASSWORD = "Secret-Pw.0123456789";
const MYSQL: ConnectionTarget = { engine: "mysql", host: "db.internal", port: 3306, dbname: "app_db" };
const POSTGRES: ConnectionTarget = { engine: "postgres", host: "db.internal", port: 5432, dbname: "appdb" };
const TLS_OPTIONS: ConnectOptions = { tls: { ca: "PEM" }, connectTimeoutMs: 1234, queryTimeoutMs: 4321 };
const PLAIN_OPTIONS: ConnectOptions = { connectTimeoutMs: 1234, queryTimeoutMs: 4321 };

/** A self-signed certificate naming only DNS:localhost (made with the openssl CLI). */
function localhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "rotation-cert-"));
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    return { key: readFileSync(path.join(dir, "key.pem"), "utf8"), cert: readFileSync(path.join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A driver error as mysql2 or pg raise it: the message quotes the statement. */
function driverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("mysql2 engine", () => {
  let query: jest.Mock;
  let end: jest.Mock;
  let destroy: jest.Mock;

  beforeEach(() => {
    query = jest.fn().mockResolvedValue([[]]);
    end = jest.fn().mockResolvedValue(undefined);
    destroy = jest.fn();
    jest.mocked(createConnection).mockReset().mockResolvedValue({ on: jest.fn(), query, end, destroy } as never);
  });

  const connect = (options = TLS_OPTIONS) =>
    mysqlEngine.connect(MYSQL, { username: "app", password: PASSWORD }, options);
  const statements = () => query.mock.calls.map(([options]) => [options.sql, options.values]);

  test("connects with TLS verifying the certificate and the host name, and the timeouts", async () => {
    await connect();
    expect(createConnection).toHaveBeenCalledWith({
      host: "db.internal",
      port: 3306,
      user: "app",
      password: PASSWORD,
      database: "app_db",
      connectTimeout: 1234,
      ssl: { ca: "PEM", rejectUnauthorized: true, verifyIdentity: true },
      stream: undefined,
      multipleStatements: false,
    });
  });

  test("an IP address host is verified against the certificate's IP addresses, not as localhost", async () => {
    // What mysql2 does on its connection's socket: TLS with no server name (none for an IP).
    const handshake = async (socket: Socket) =>
      new Promise<Error | undefined>((resolve) => {
        const secure = tlsConnect({ socket, ca: certificate.cert, checkServerIdentity }, () => {
          secure.destroy();
          resolve(undefined);
        });
        secure.on("error", resolve);
      });
    const certificate = localhostCertificate();
    const server = createTlsServer({ key: certificate.key, cert: certificate.cert }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await mysqlEngine.connect({ ...MYSQL, host: "127.0.0.1", port }, { username: "app", password: PASSWORD }, TLS_OPTIONS);
      const { stream } = jest.mocked(createConnection).mock.calls[0][0] as {
        stream: (options: { config: { host: string; port: number } }) => Socket;
      };
      // mysql2 calls the factory with its configuration.
      const socket = stream({ config: { host: "127.0.0.1", port } });
      expect(await handshake(socket)).toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID", host: "127.0.0.1" });
      // Without the engine's socket, Node would have accepted the certificate of "localhost".
      expect(await handshake(netConnect(port, "127.0.0.1"))).toBeUndefined();
    } finally {
      server.close();
    }
  });

  test("a host name and a plaintext connection use mysql2's own socket", async () => {
    await connect();
    await mysqlEngine.connect({ ...MYSQL, host: "10.0.0.1" }, { username: "app", password: PASSWORD }, PLAIN_OPTIONS);
    expect(jest.mocked(createConnection).mock.calls.map(([config]) => (config as { stream?: unknown }).stream)).toEqual([
      undefined,
      undefined,
    ]);
  });

  test("connects in plaintext only without TLS options; every statement has the query timeout", async () => {
    const session = await connect(PLAIN_OPTIONS);
    await session.test();
    expect(jest.mocked(createConnection).mock.calls[0][0]).toMatchObject({ ssl: undefined });
    expect(query).toHaveBeenCalledWith({ sql: "SELECT 1", values: undefined, timeout: 4321 });
  });

  test.each([
    ["ER_ACCESS_DENIED_ERROR", true],
    ["ECONNREFUSED", false],
    ["HANDSHAKE_SSL_ERROR", false],
  ])("a connection error %s is an authentication failure: %s", async (code, auth) => {
    jest.mocked(createConnection).mockRejectedValue(Object.assign(driverError(code, "details"), { errno: 1045 }));
    const error = (await connect().catch((e: unknown) => e)) as DatabaseError;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.authenticationFailed).toBe(auth);
    expect(error.message).toBe(`connect to mysql at db.internal:3306 as app failed: ${code} (errno 1045): details`);
  });

  test("binds user names and passwords as ? values; a new user gets the marker role", async () => {
    const session = await connect();
    await session.createUser("app_clone", PASSWORD);
    await session.setPassword("app_clone", PASSWORD);
    expect(statements()).toEqual([
      ["CREATE ROLE IF NOT EXISTS `secrets_rotation_managed`", undefined],
      ["CREATE USER ?@'%' IDENTIFIED BY ?", ["app_clone", PASSWORD]],
      ["CREATE ROLE IF NOT EXISTS `secrets_rotation_managed`", undefined],
      ["GRANT `secrets_rotation_managed` TO ?@'%'", ["app_clone"]],
      ["ALTER USER ?@'%' IDENTIFIED BY ?", ["app_clone", PASSWORD]],
    ]);
  });

  test.each([
    ["10.11.6-MariaDB-log", "SET PASSWORD = PASSWORD(?)"],
    ["8.0.39", "SET PASSWORD = ?"],
    ["8.0.mysql_aurora.3.08.0", "SET PASSWORD = ?"],
  ])("own password on server %s: %s", async (version, sql) => {
    query.mockResolvedValueOnce([[{ version }]]);
    await (await connect()).setOwnPassword(PASSWORD);
    expect(statements()).toEqual([
      ["SELECT VERSION() AS version", undefined],
      [sql, [PASSWORD]],
    ]);
  });

  test("the error of a statement carrying a password keeps only its code; others keep the message", async () => {
    const session = await connect();
    // Statements that carry the password fail, quoting it.
    query.mockImplementation(async ({ sql }: { sql: string }) => {
      if (!sql.includes("IDENTIFIED BY")) return [[]];
      throw Object.assign(driverError("ER_PARSE_ERROR", `near '${PASSWORD}' at line 1`), { errno: 1064, sql: PASSWORD });
    });
    await expect(session.createUser("app", PASSWORD)).rejects.toThrow(
      new Error("create user app failed: ER_PARSE_ERROR (errno 1064)"),
    );
    await expect(session.setPassword("app", PASSWORD)).rejects.toThrow(
      new Error("set the password of user app failed: ER_PARSE_ERROR (errno 1064)"),
    );
    query.mockReset().mockResolvedValueOnce([[{ version: "8.0.39" }]]);
    query.mockRejectedValue(driverError("ER_PARSE_ERROR", PASSWORD));
    await expect(session.setOwnPassword(PASSWORD)).rejects.toThrow(
      new Error("change the password of the connected user failed: ER_PARSE_ERROR"),
    );
    query.mockRejectedValue(driverError("ER_TABLEACCESS_DENIED_ERROR", "CREATE command denied to user 'admin'"));
    await expect(session.applyPrivileges("app", "app_db", ["SELECT"])).rejects.toThrow(
      new Error("grant SELECT on app_db to app failed: ER_TABLEACCESS_DENIED_ERROR: CREATE command denied to user 'admin'"),
    );
  });

  test("close falls back to destroy and never rejects", async () => {
    const session = await connect();
    end.mockRejectedValue(new Error("broken"));
    await expect(session.close()).resolves.toBeUndefined();
    expect(destroy).toHaveBeenCalled();
  });
});

describe("readGrants (SHOW GRANTS of a user, MariaDB and MySQL 8 forms)", () => {
  const usage = "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*2B60'";
  test.each([
    ["a user the function created", [usage, "GRANT `secrets_rotation_managed` TO `app`@`%`", "GRANT SELECT ON `app\\_db`.* TO `app`@`%`"], { managed: true }],
    ["MySQL 8's form of the marker", ["GRANT USAGE ON *.* TO `app`@`%`", "GRANT `secrets_rotation_managed`@`%` TO `app`@`%`"], { managed: true }],
    ["a user without the marker", [usage, "GRANT SELECT ON `appdb`.* TO `app`@`%`"], { managed: false }],
    ["global privileges", [usage.replace("USAGE", "PROCESS, SUPER"), "GRANT `secrets_rotation_managed` TO `app`@`%`"], { managed: true, privileged: "global privileges PROCESS, SUPER" }],
    ["a grant option on a database", ["GRANT SELECT ON `appdb`.* TO `app`@`%` WITH GRANT OPTION"], { managed: false, privileged: "a grant or admin option" }],
    ["another role, with admin option", ["GRANT `secrets_rotation_managed`, `dba` TO `app`@`%` WITH ADMIN OPTION"], { managed: true, privileged: "a grant or admin option; role dba" }],
  ])("%s", (_case, lines, expected) => {
    expect(readGrants(lines)).toEqual({ privileged: undefined, ...expected });
  });

  test("reasons never quote a line: MariaDB's carries the password hash", () => {
    expect(JSON.stringify(readGrants([usage.replace("USAGE", "ALL PRIVILEGES")]))).not.toContain("2B60");
  });
});

describe("pg engine", () => {
  let query: jest.Mock;
  let connectClient: jest.Mock;
  let end: jest.Mock;
  /** What `SHOW password_encryption` answers. */
  let passwordEncryption: string;
  /** Fails every statement but `SHOW password_encryption` with this error. */
  let statementError: Error | undefined;
  /** The statements that fail with statementError. */
  let failing: RegExp;

  beforeEach(() => {
    passwordEncryption = "scram-sha-256";
    statementError = undefined;
    failing = /./;
    query = jest.fn(async (sql: string) => {
      if (sql === "SHOW password_encryption") return { rows: [{ password_encryption: passwordEncryption }] };
      if (statementError && failing.test(sql)) throw statementError;
      return { rows: [] };
    });
    connectClient = jest.fn().mockResolvedValue(undefined);
    end = jest.fn().mockResolvedValue(undefined);
    jest.mocked(Client).mockReset().mockImplementation(() => ({ on: jest.fn(), connect: connectClient, query, end }) as never);
  });

  const connect = (options = TLS_OPTIONS): Promise<DatabaseSession> =>
    postgresEngine.connect(POSTGRES, { username: "app", password: PASSWORD }, options);
  const statements = () => query.mock.calls.map(([sql, values]) => [sql, values]);

  test("connects with TLS verifying the certificate (pg checks the host name), and the timeouts", async () => {
    await connect();
    expect(Client).toHaveBeenCalledWith({
      host: "db.internal",
      port: 5432,
      user: "app",
      password: PASSWORD,
      database: "appdb",
      ssl: { ca: "PEM", rejectUnauthorized: true },
      connectionTimeoutMillis: 1234,
      query_timeout: 4321,
      statement_timeout: 4321,
      application_name: "secrets-manager-rotation",
    });
  });

  test("plaintext only without TLS options", async () => {
    await connect(PLAIN_OPTIONS);
    expect(jest.mocked(Client).mock.calls[0][0]).toMatchObject({ ssl: false });
  });

  test.each([
    ["28P01", true],
    ["28000", false],
    ["ECONNREFUSED", false],
  ])("a connection error %s is an authentication failure: %s; the client is ended", async (code, auth) => {
    connectClient.mockRejectedValue(driverError(code, "details"));
    const error = (await connect().catch((e: unknown) => e)) as DatabaseError;
    expect(error.authenticationFailed).toBe(auth);
    expect(error.message).toBe(`connect to postgres at db.internal:5432 as app failed: ${code}: details`);
    expect(end).toHaveBeenCalled();
  });

  test("sends SCRAM-SHA-256 verifiers, never a password; quotes role names with pg's escaping; marks a new role in its transaction", async () => {
    const session = await connect();
    await session.createUser("app_clone", "it's\\odd");
    await session.setPassword("App", PASSWORD);
    await session.setOwnPassword(PASSWORD);
    const verifier = "'(SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+)'";
    expect(statements()).toEqual([
      ["SHOW password_encryption", undefined],
      ["BEGIN", undefined],
      [expect.stringMatching(new RegExp(`^CREATE ROLE "app_clone" WITH LOGIN PASSWORD ${verifier}$`)), undefined],
      [`COMMENT ON ROLE "app_clone" IS 'secrets_rotation_managed'`, undefined],
      ["COMMIT", undefined],
      ["SHOW password_encryption", undefined],
      [expect.stringMatching(new RegExp(`^ALTER ROLE "App" WITH LOGIN PASSWORD ${verifier}$`)), undefined],
      ["SHOW password_encryption", undefined],
      [expect.stringMatching(new RegExp(`^ALTER ROLE CURRENT_USER WITH PASSWORD ${verifier}$`)), undefined],
    ]);
    // Each verifier is the one of its password, with a salt of its own.
    const verifiers = statements()
      .map(([sql]) => new RegExp(verifier).exec(sql)?.[1])
      .filter((v) => v !== undefined);
    const salts = verifiers.map((v) => Buffer.from(v.split(/[$:]/)[2], "base64"));
    expect(verifiers).toEqual([
      await scramSha256Verifier("it's\\odd", salts[0]),
      await scramSha256Verifier(PASSWORD, salts[1]),
      await scramSha256Verifier(PASSWORD, salts[2]),
    ]);
    expect(new Set(salts.map((salt) => salt.toString("hex"))).size).toBe(3);
  });

  test("sends MD5 verifiers, salted with the role name, when the server's password_encryption is md5", async () => {
    passwordEncryption = "md5";
    const session = await connect();
    await session.setPassword("App", PASSWORD);
    await session.setOwnPassword(PASSWORD);
    expect(statements().filter(([sql]) => sql.startsWith("ALTER"))).toEqual([
      [`ALTER ROLE "App" WITH LOGIN PASSWORD '${md5Verifier("App", PASSWORD)}'`, undefined],
      [`ALTER ROLE CURRENT_USER WITH PASSWORD '${md5Verifier("app", PASSWORD)}'`, undefined],
    ]);
  });

  test("refuses to set a password under a password_encryption it does not know", async () => {
    passwordEncryption = "plain";
    await expect((await connect()).createUser("app", PASSWORD)).rejects.toThrow(
      'unsupported password_encryption "plain": expected scram-sha-256 or md5',
    );
    expect(statements().map(([sql]) => sql)).toEqual(["SHOW password_encryption"]);
  });

  test("the error of a statement carrying a password keeps only its code; others keep the message", async () => {
    const session = await connect();
    statementError = driverError("42601", `syntax error at or near "${PASSWORD}"`);
    failing = /PASSWORD/;
    await expect(session.setPassword("app", PASSWORD)).rejects.toThrow(new Error("set the password of role app failed: 42601"));
    await expect(session.createUser("app", PASSWORD)).rejects.toThrow(new Error("create role app failed: 42601"));
    await expect(session.setOwnPassword(PASSWORD)).rejects.toThrow(
      new Error("change the password of the connected user failed: 42601"),
    );
    statementError = driverError("42501", "permission denied for schema public");
    failing = /^GRANT USAGE ON SCHEMA/;
    await expect(session.applyPrivileges("app", "appdb", ["SELECT"])).rejects.toThrow(
      new Error("apply SELECT on appdb to app failed: 42501: permission denied for schema public"),
    );
    expect(statements().at(-1)).toEqual(["ROLLBACK", undefined]);
  });

  test("close never rejects", async () => {
    const session = await connect();
    end.mockRejectedValue(new Error("broken"));
    await expect(session.close()).resolves.toBeUndefined();
  });
});
