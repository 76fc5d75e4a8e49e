import { Client, escapeIdentifier, escapeLiteral } from "pg";
import { toDatabaseError } from "../errors";
import type { Privilege } from "../../shared/secret-contract";
import type { Credentials } from "../secret-value";
import {
  MANAGED_USER_MARKER,
  connectOperation,
  isExactly,
  privilegeChange,
  type ConnectOptions,
  type ConnectionTarget,
  type DatabaseEngine,
  type DatabaseSession,
  type StatementOptions,
  type UserStatus,
} from "./engine";
import { passwordVerifier } from "./postgres-password";

/** The attributes, memberships, grant options and marker of role $1 (no row: no such role). */
const INSPECT_ROLE = `
  SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
    pg_catalog.shobj_description(r.oid, 'pg_authid') AS marker,
    ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
          WHERE m.member = r.oid ORDER BY 1) AS roles,
    EXISTS (SELECT 1 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
            WHERE a.grantee = r.oid AND a.is_grantable) AS grant_option
  FROM pg_catalog.pg_roles r WHERE r.rolname = $1`;

interface RoleRow {
  rolsuper: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  marker: string | null;
  roles: string[];
  grant_option: boolean;
}

/** The privileges the connected role holds on each table of schema public (granted to it by name). */
const OWN_TABLE_PRIVILEGES = `
  SELECT c.oid, COALESCE(ARRAY_AGG(a.privilege_type) FILTER (WHERE a.grantee = u.oid), '{}') AS privileges
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
  JOIN pg_catalog.pg_roles u ON u.rolname = current_user
  LEFT JOIN LATERAL pg_catalog.aclexplode(c.relacl) a ON true
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  GROUP BY c.oid`;

/** PostgreSQL and Aurora PostgreSQL, through pg. Users are login roles. */
export const postgresEngine: DatabaseEngine = {
  async connect(target: ConnectionTarget, credentials: Credentials, options: ConnectOptions): Promise<DatabaseSession> {
    const client = new Client({
      host: target.host,
      port: target.port,
      user: credentials.username,
      password: credentials.password,
      database: target.dbname,
      // pg verifies the certificate chain and the host name (or IP) with these options.
      ssl: options.tls ? { ca: options.tls.ca, rejectUnauthorized: true } : false,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      application_name: "secrets-manager-rotation",
    });
    // A connection that fails between statements emits "error"; the next statement reports it.
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw toDatabaseError(connectOperation(target, credentials.username), cause, true);
    }
    return new PostgresSession(client, credentials.username);
  },
};

class PostgresSession implements DatabaseSession {
  constructor(
    private readonly client: Client,
    /** The role this session is logged in as. */
    private readonly username: string,
  ) {}

  async test(): Promise<void> {
    await this.run("run SELECT 1", "SELECT 1");
  }

  // Utility statements such as ALTER ROLE take no parameters: the password's verifier goes
  // in as a literal escaped by pg, the role name as an identifier escaped by pg.

  async setOwnPassword(password: string): Promise<void> {
    const verifier = await this.verifierLiteral(this.username, password);
    await this.run("change the password of the connected user", `ALTER ROLE CURRENT_USER WITH PASSWORD ${verifier}`, {
      secret: true,
    });
  }

  async inspectUser(username: string): Promise<UserStatus> {
    const [row] = (await this.run(`inspect role ${username}`, INSPECT_ROLE, { values: [username] })) as RoleRow[];
    if (row === undefined) return { exists: false };
    const reasons = [
      ...(["rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls"] as const)
        .filter((attribute) => row[attribute])
        .map((attribute) => attribute.replace(/^rol/, "").toUpperCase()),
      ...row.roles.map((role) => `membership of role ${role}`),
      ...(row.grant_option ? ["a grant option"] : []),
    ];
    return {
      exists: true,
      managed: row.marker === MANAGED_USER_MARKER,
      privileged: reasons.length > 0 ? reasons.join("; ") : undefined,
    };
  }

  async createUser(username: string, password: string): Promise<void> {
    const verifier = await this.verifierLiteral(username, password);
    // One transaction: a role without its marker never exists.
    await this.transaction(async () => {
      await this.run(`create role ${username}`, `CREATE ROLE ${escapeIdentifier(username)} WITH LOGIN PASSWORD ${verifier}`, {
        secret: true,
      });
      await this.markUser(username);
    });
  }

  async markUser(username: string): Promise<void> {
    const marker = escapeLiteral(MANAGED_USER_MARKER);
    await this.run(`mark role ${username} as managed`, `COMMENT ON ROLE ${escapeIdentifier(username)} IS ${marker}`);
  }

  async setPassword(username: string, password: string): Promise<void> {
    const verifier = await this.verifierLiteral(username, password);
    await this.run(
      `set the password of role ${username}`,
      `ALTER ROLE ${escapeIdentifier(username)} WITH LOGIN PASSWORD ${verifier}`,
      { secret: true },
    );
  }

  async applyPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void> {
    const role = escapeIdentifier(username);
    const { grant, revoke } = privilegeChange(privileges);
    const tables = grant.join(", ");
    const statements = [
      `GRANT CONNECT ON DATABASE ${escapeIdentifier(dbname)} TO ${role}`,
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT ${tables} ON ALL TABLES IN SCHEMA public TO ${role}`,
      // Tables that the connected (master) user creates later.
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${tables} ON TABLES TO ${role}`,
    ];
    if (revoke.length > 0) {
      statements.push(
        `REVOKE ${revoke.join(", ")} ON ALL TABLES IN SCHEMA public FROM ${role}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ${revoke.join(", ")} ON TABLES FROM ${role}`,
      );
    }
    // nextval() of serial and identity columns needs USAGE on the sequence: with INSERT only.
    const sequences = privileges.includes("INSERT") ? ["GRANT", "TO"] : ["REVOKE", "FROM"];
    statements.push(
      `${sequences[0]} USAGE ON ALL SEQUENCES IN SCHEMA public ${sequences[1]} ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public ${sequences[0]} USAGE ON SEQUENCES ${sequences[1]} ${role}`,
    );
    // One transaction: no moment with a bound privilege missing, and no half-applied change.
    await this.transaction(async () => {
      for (const statement of statements) await this.run(`apply ${tables} on ${dbname} to ${username}`, statement);
    });
  }

  async holdsExactly(_dbname: string, privileges: readonly Privilege[]): Promise<boolean> {
    const rows = (await this.run("read the table privileges of the connected role", OWN_TABLE_PRIVILEGES)) as {
      privileges: string[];
    }[];
    return rows.every((row) => isExactly(row.privileges, privileges));
  }

  /** Runs `work` in a transaction: COMMIT if it resolves, ROLLBACK if it rejects. */
  private async transaction(work: () => Promise<void>): Promise<void> {
    await this.run("begin a transaction", "BEGIN");
    try {
      await work();
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
    await this.run("commit", "COMMIT");
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  /**
   * The SQL literal of the verifier of `password` for role `username`, in the format that
   * the server's `password_encryption` asks for (see passwordVerifier).
   */
  private async verifierLiteral(username: string, password: string): Promise<string> {
    const [setting] = (await this.run("read password_encryption", "SHOW password_encryption")) as {
      password_encryption?: string;
    }[];
    return escapeLiteral(await passwordVerifier(username, password, String(setting?.password_encryption)));
  }

  /** Runs a statement; `secret` marks one that carries a password, whose error message is dropped. */
  private async run(operation: string, sql: string, options: StatementOptions = {}): Promise<unknown[]> {
    try {
      return (await this.client.query(sql, options.values)).rows;
    } catch (cause) {
      throw toDatabaseError(operation, cause, options.secret !== true);
    }
  }
}
