/**
 * PostgreSQL: the rotation function sends password verifiers, never passwords, so a
 * server that logs every DDL statement (`log_statement = 'ddl'`) never logs a password.
 * Logging is switched on only for a master role of this file's own and for the
 * application users, so that other test files using the same server are unaffected.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { RotationStrategy } from "../../shared/secret-contract";
import { md5Verifier } from "../../lambda/engines/postgres-password";
import { RotationFixture } from "../support/rotation-fixture";

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

/** Quotes a generated identifier (letters, digits and _ only). */
const id = (name: string) => `"${name}"`;

it.each<[RotationStrategy, RegExp]>([
  ["single-user", /ALTER ROLE CURRENT_USER WITH PASSWORD 'SCRAM-SHA-256\$4096:/],
  ["alternating-users", /CREATE ROLE "it_\w+_clone" WITH LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/],
])("%s: the server's statement log holds SCRAM verifiers and no password", async (strategy, steadyStateStatement) => {
  const server = fx.server("postgres");
  const master = { username: `it_master_${randomBytes(4).toString("hex")}`, password: randomBytes(16).toString("hex") };
  await fx.asSuperuser(server, async (s) => {
    // A member of the server's admin role, so it may grant on the admin's database and tables.
    await s.query(`CREATE ROLE ${id(master.username)} LOGIN CREATEROLE PASSWORD '${master.password}' IN ROLE ${id(server.admin.username)}`);
    await s.query(`ALTER ROLE ${id(master.username)} SET log_statement = 'ddl'`);
  });
  const masterarn = fx.fake.seedSecret({ name: `rds!db-${master.username}`, value: master });
  const secret = fx.seedDatabaseSecret({ engine: "postgres", database: { masterSecretArn: masterarn } });
  const logStart = statSync(server.logPath).size;
  const rotate = fx.rotationFunction(strategy);

  await fx.driver.rotate(secret.arn, rotate);
  await fx.asSuperuser(server, (s) => s.query(`ALTER ROLE ${id(secret.username)} SET log_statement = 'ddl'`));
  await fx.driver.rotate(secret.arn, rotate);
  await fx.driver.rotate(secret.arn, rotate);

  const log = readFileSync(server.logPath, "utf8").slice(logStart);
  // The statements were logged: the bootstrap's, by the master role, and a steady-state one.
  expect(log).toMatch(new RegExp(`CREATE ROLE "${secret.username}" WITH LOGIN PASSWORD 'SCRAM-SHA-256\\$4096:`));
  expect(log).toMatch(steadyStateStatement);
  const passwords = fx.fake
    .versions(secret.arn)
    .map((v) => (JSON.parse(v.secretString ?? "{}") as { password?: string }).password)
    .filter((p): p is string => p !== undefined);
  expect(passwords).toHaveLength(3);
  for (const password of [...passwords, master.password]) expect(log).not.toContain(password);
  expect(await fx.canLogIn(server, fx.credentials(secret.arn))).toBe(true);
});

it("the MD5 verifier is the one the server computes itself", async () => {
  const server = fx.server("postgres");
  const role = `it_md5_${randomBytes(4).toString("hex")}`;
  const password = `Pw.${randomBytes(12).toString("base64url")}`;
  const stored = await fx.asSuperuser(server, async (s) => {
    await s.query("SET password_encryption = 'md5'");
    await s.query(`CREATE ROLE ${id(role)} PASSWORD '${password}'`);
    const rows = await s.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role]);
    await s.query(`DROP ROLE ${id(role)}`);
    return rows[0].rolpassword as string;
  });
  expect(stored).toBe(md5Verifier(role, password));
});
