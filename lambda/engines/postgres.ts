import { Client, escapeIdentifier, escapeLiteral } from "pg";
import { toDatabaseError } from "../errors";
import type { Privilege } from "../../shared/secret-contract";
import type { Credentials } from "../secret-value";
import {
  connectOperation,
  privilegeList,
  type ConnectOptions,
  type ConnectionTarget,
  type DatabaseEngine,
  type DatabaseSession,
  type StatementOptions,
} from "./engine";
import { passwordVerifier } from "./postgres-password";

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

  async userExists(username: string): Promise<boolean> {
    const rows = await this.run(`look up role ${username}`, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", {
      values: [username],
    });
    return rows.length > 0;
  }

  async createUser(username: string, password: string): Promise<void> {
    const verifier = await this.verifierLiteral(username, password);
    await this.run(`create role ${username}`, `CREATE ROLE ${escapeIdentifier(username)} WITH LOGIN PASSWORD ${verifier}`, {
      secret: true,
    });
  }

  async setPassword(username: string, password: string): Promise<void> {
    const verifier = await this.verifierLiteral(username, password);
    await this.run(
      `set the password of role ${username}`,
      `ALTER ROLE ${escapeIdentifier(username)} WITH LOGIN PASSWORD ${verifier}`,
      { secret: true },
    );
  }

  async grantPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void> {
    const role = escapeIdentifier(username);
    const tables = privilegeList(privileges);
    const statements = [
      `GRANT CONNECT ON DATABASE ${escapeIdentifier(dbname)} TO ${role}`,
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT ${tables} ON ALL TABLES IN SCHEMA public TO ${role}`,
      // Tables that the connected (master) user creates later.
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${tables} ON TABLES TO ${role}`,
    ];
    if (privileges.includes("INSERT")) {
      // nextval() of serial and identity columns needs USAGE on the sequence.
      statements.push(
        `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO ${role}`,
      );
    }
    for (const statement of statements) {
      await this.run(`grant ${tables} on ${dbname} to ${username}`, statement);
    }
  }

  async copyPrivileges(from: string, to: string): Promise<void> {
    // Membership: `to` inherits every privilege of `from`, including ones granted later.
    await this.run(`grant role ${from} to ${to}`, `GRANT ${escapeIdentifier(from)} TO ${escapeIdentifier(to)}`);
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
