/**
 * The test servers themselves: TLS only, verified against the test CA, a master-like
 * admin that is not a superuser, and stop/start that keeps the data.
 */
import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import { loginError, withSession } from "../support/db-clients";
import {
  APP_TABLE,
  loadDatabaseEnvironment,
  startServer,
  stopServer,
  type DatabaseEnvironment,
  type ServerInfo,
} from "../support/db-servers";

let env: DatabaseEnvironment;
beforeAll(async () => {
  env = await loadDatabaseEnvironment();
});

const servers = (): ServerInfo[] => [env.mariadb, env.postgres];

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
    expect(error?.message).toMatch(/certificate|signature/i);
  });

  it("refuses plaintext logins", async () => {
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
    await expect(attempt).rejects.toThrow(kind === "mariadb" ? /insecure transport|Access denied/ : /pg_hba\.conf rejects connection.*no encryption/);
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

it("stopServer/startServer take a server down and back on the same port with its data", async () => {
  const marker = `restart-${randomBytes(4).toString("hex")}`;
  const insert = (server: ServerInfo) =>
    withSession(server, server.superuser, { caPath: env.caPath }, (s) =>
      s.query(`INSERT INTO ${APP_TABLE} (name) VALUES (${server.kind === "mariadb" ? "?" : "$1"})`, [marker]),
    );
  const count = (server: ServerInfo) =>
    withSession(server, server.superuser, { caPath: env.caPath }, async (s) => {
      const rows = await s.query(`SELECT COUNT(*) AS n FROM ${APP_TABLE} WHERE name = ${server.kind === "mariadb" ? "?" : "$1"}`, [marker]);
      return Number(rows[0].n);
    });
  await Promise.all(servers().map(insert));

  await Promise.all(servers().map(stopServer));
  for (const server of servers()) {
    expect((await loginError(server, server.admin, { caPath: env.caPath }))?.message).toMatch(/ECONNREFUSED/);
  }
  await Promise.all(servers().map(startServer));

  expect(await Promise.all(servers().map(count))).toEqual([1, 1]);
});
