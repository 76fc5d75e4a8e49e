/**
 * The test servers themselves: TLS only, verified against the test CA, a master-like
 * admin that is not a superuser, and stop/start that keeps the data.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import { loginError, withSession, type SqlSession } from "../support/db-clients";
import {
  APP_TABLE,
  loadDatabaseEnvironment,
  startDatabases,
  startServer,
  stopServer,
  type DatabaseEnvironment,
  type ServerInfo,
} from "../support/db-servers";
import { UNTRUSTED_CERTIFICATE_CODE } from "../support/tls-checks";

let env: DatabaseEnvironment;
beforeAll(async () => {
  env = await loadDatabaseEnvironment();
});

describe.each(["mariadb", "postgres"] as const)("%s test server", (kind) => {
  const server = () => env[kind];

  it("accepts the admin over TLS verified against the test CA", async () => {
    const version = await withSession(server(), server().admin, { caPath: env.caPath }, (s) =>
      s.query(kind === "mariadb" ? "SELECT VERSION() AS v" : "SHOW server_version"),
    );
    expect(String(Object.values(version[0])[0])).toMatch(kind === "mariadb" ? /^10\.11\..*MariaDB/ : /^15\./);
  });

  it("rejects a certificate that the untrusted CA would have to vouch for", async () => {
    const error = await loginError(server(), server().admin, { caPath: env.untrustedCaPath });
    expect(error).toMatchObject({ code: UNTRUSTED_CERTIFICATE_CODE[kind] });
  });

  it("refuses plaintext logins of a user who logs in over TLS", async () => {
    expect(await loginError(server(), server().admin, { caPath: env.caPath })).toBeUndefined();
    const { host, port, admin, database } = server();
    const attempt =
      kind === "mariadb"
        ? createConnection({ host, port, user: admin.username, password: admin.password, database }).then((c) => c.end())
        : (async () => {
            const client = new Client({ host, port, user: admin.username, password: admin.password, database, ssl: false });
            try {
              await client.connect();
            } finally {
              await client.end().catch(() => undefined);
            }
          })();
    // MariaDB answers a plaintext login under require_secure_transport with "Access denied".
    await expect(attempt).rejects.toThrow(kind === "mariadb" ? /Access denied for user 'adminuser'/ : /pg_hba\.conf rejects connection.*no encryption/);
    if (kind === "mariadb") {
      const rows = await withSession(server(), server().superuser, { caPath: env.caPath }, (s) => s.query("SELECT @@require_secure_transport AS required"));
      expect(rows).toEqual([{ required: 1 }]);
    }
  });

  it("gives the admin what an RDS master user has, not superuser rights", async () => {
    const rows = await withSession(server(), server().admin, { caPath: env.caPath }, (s) =>
      s.query(
        kind === "mariadb"
          ? "SHOW GRANTS"
          : "SELECT rolsuper, rolcreaterole, pg_get_userbyid(d.datdba) AS owner FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()",
      ),
    );
    if (kind === "mariadb") {
      const grants = rows.map((r) => String(Object.values(r)[0])).join("\n");
      expect(grants).toMatch(/CREATE USER/);
      expect(grants).toMatch(/WITH GRANT OPTION/);
      expect(grants).not.toMatch(/SUPER|ALL PRIVILEGES/);
    } else {
      expect(rows[0]).toEqual({ rolsuper: false, rolcreaterole: true, owner: server().admin.username });
    }
  });
});

it("stopServer/startServer take private servers down and back on the same port with their data; stop() removes everything", async () => {
  // Private servers: stopping the shared ones would disturb test files running in parallel.
  const databases = await startDatabases();
  const servers = [databases.mariadb, databases.postgres];
  const marker = `restart-${randomBytes(4).toString("hex")}`;
  const session = (server: ServerInfo) => (work: (s: SqlSession) => Promise<number | void>) =>
    withSession(server, server.superuser, { caPath: databases.caPath }, work);
  const placeholder = (server: ServerInfo) => (server.kind === "mariadb" ? "?" : "$1");
  try {
    await Promise.all(servers.map((server) => session(server)((s) => s.query(`INSERT INTO ${APP_TABLE} (name) VALUES (${placeholder(server)})`, [marker]).then(() => undefined))));

    await Promise.all(servers.map(stopServer));
    for (const server of servers) {
      expect((await loginError(server, server.admin, { caPath: databases.caPath }))?.message).toMatch(/ECONNREFUSED/);
    }
    await Promise.all(servers.map(startServer));

    const counts = await Promise.all(
      servers.map((server) =>
        session(server)(async (s) => Number((await s.query(`SELECT COUNT(*) AS n FROM ${APP_TABLE} WHERE name = ${placeholder(server)}`, [marker]))[0].n)),
      ),
    );
    expect(counts).toEqual([1, 1]);
  } finally {
    await databases.stop();
  }
  for (const server of servers) expect(existsSync(dirname(server.logPath))).toBe(false);
  expect(existsSync(dirname(databases.caPath))).toBe(false);
  for (const server of servers) {
    expect((await loginError(server, server.admin, { caPath: env.caPath }))?.message).toMatch(/ECONNREFUSED/);
  }
}, 60_000);
