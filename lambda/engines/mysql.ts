import { isIP } from "node:net";
import { createConnection, escape, escapeId, type Connection, type RowDataPacket } from "mysql2/promise";
import { socketToIp } from "../../shared/tls-socket";
import { DatabaseError, toDatabaseError } from "../errors";
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

/** MySQL, MariaDB and Aurora MySQL, through mysql2. Every user is `'name'@'%'`. */
export const mysqlEngine: DatabaseEngine = {
  async connect(target: ConnectionTarget, credentials: Credentials, options: ConnectOptions): Promise<DatabaseSession> {
    try {
      const connection = await createConnection({
        host: target.host,
        port: target.port,
        user: credentials.username,
        password: credentials.password,
        database: target.dbname,
        connectTimeout: options.connectTimeoutMs,
        // verifyIdentity makes mysql2 check the host name against the certificate.
        ssl: options.tls && { ca: options.tls.ca, rejectUnauthorized: true, verifyIdentity: true },
        // For an IP address, a socket that makes TLS verify the certificate against that
        // address (see shared/tls-socket.ts).
        stream: options.tls && isIP(target.host) ? socketToIp : undefined,
        multipleStatements: false,
      });
      return new MysqlSession(connection, options.queryTimeoutMs);
    } catch (cause) {
      throw toDatabaseError(connectOperation(target, credentials.username), cause, true);
    }
  },
};

class MysqlSession implements DatabaseSession {
  constructor(
    private readonly connection: Connection,
    private readonly queryTimeoutMs: number,
  ) {
    // A connection that fails between statements emits "error"; the next statement reports it.
    connection.on("error", () => undefined);
  }

  async test(): Promise<void> {
    await this.run("run SELECT 1", "SELECT 1");
  }

  async setOwnPassword(password: string): Promise<void> {
    // A user without the CREATE USER privilege may change its own password only with
    // SET PASSWORD. MariaDB takes a hash there, hence PASSWORD(); MySQL 5.7.6+ a plain text.
    const [row] = await this.run("read the server version", "SELECT VERSION() AS version");
    const sql = /mariadb/i.test(String(row?.version)) ? "SET PASSWORD = PASSWORD(?)" : "SET PASSWORD = ?";
    await this.run("change the password of the connected user", sql, { values: [password], secret: true });
  }

  async userExists(username: string): Promise<boolean> {
    const rows = await this.run(`look up user ${username}`, "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'", {
      values: [username],
    });
    return rows.length > 0;
  }

  async createUser(username: string, password: string): Promise<void> {
    await this.run(`create user ${username}`, "CREATE USER ?@'%' IDENTIFIED BY ?", {
      values: [username, password],
      secret: true,
    });
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.run(`set the password of user ${username}`, "ALTER USER ?@'%' IDENTIFIED BY ?", {
      values: [username, password],
      secret: true,
    });
  }

  async grantPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void> {
    // In a database-level GRANT, _ and % are wildcards: escape them to grant on this database only.
    const database = escapeId(dbname.replace(/[_%]/g, "\\$&"));
    await this.run(
      `grant ${privilegeList(privileges)} on ${dbname} to ${username}`,
      `GRANT ${privilegeList(privileges)} ON ${database}.* TO ?@'%'`,
      { values: [username] },
    );
  }

  async copyPrivileges(from: string, to: string): Promise<void> {
    const rows = await this.run(`read the grants of ${from}`, "SHOW GRANTS FOR ?@'%'", { values: [from] });
    const statements = rows
      .map((row) => rewriteGrant(String(Object.values(row)[0]), from, to))
      .filter((statement): statement is string => statement !== undefined);
    if (statements.length === 0) {
      throw new DatabaseError(`copy the grants of ${from} to ${to} failed: SHOW GRANTS listed none for ${from}@%`, false);
    }
    for (const statement of statements) {
      // Sent without values, so mysql2 substitutes nothing: a ? inside a quoted name stays as it is.
      await this.run(`copy a grant of ${from} to ${to}`, statement);
    }
  }

  async close(): Promise<void> {
    try {
      await this.connection.end();
    } catch {
      this.connection.destroy();
    }
  }

  /** Runs a statement; `secret` marks one that carries a password, whose error message is dropped. */
  private async run(operation: string, sql: string, options: StatementOptions = {}): Promise<RowDataPacket[]> {
    try {
      const [rows] = await this.connection.query<RowDataPacket[]>({
        sql,
        values: options.values,
        timeout: this.queryTimeoutMs,
      });
      return rows;
    } catch (cause) {
      throw toDatabaseError(operation, cause, options.secret !== true);
    }
  }
}

/** Statements of SHOW GRANTS that can be copied, and the keyword before their grantee. */
const GRANTEE_KEYWORDS: readonly (readonly [string, string])[] = [
  ["GRANT ", " TO "],
  // MySQL 8 partial revokes.
  ["REVOKE ", " FROM "],
  // MariaDB lists the default role too.
  ["SET DEFAULT ROLE ", " FOR "],
];

/**
 * Rewrites one line of `SHOW GRANTS FOR 'from'@'%'` for user `to`, or returns undefined
 * for a line that grants nothing. The privilege and object part is kept as the server
 * printed it (names already quoted by the server); the grantee is replaced by `to`,
 * escaped as a string; of what follows the grantee only the GRANT/ADMIN OPTION is kept
 * (MariaDB appends the password hash, which must not be copied).
 */
export function rewriteGrant(line: string, from: string, to: string): string | undefined {
  const grantee = `\`${from}\`@\`%\``;
  const keyword = GRANTEE_KEYWORDS.find(([statement]) => line.startsWith(statement))?.[1];
  if (keyword === undefined) return undefined;
  const at = line.lastIndexOf(keyword + grantee);
  if (at < 0) return undefined;
  const rest = line.slice(at + keyword.length + grantee.length);
  const option = /\bWITH (GRANT|ADMIN) OPTION\b/.exec(rest);
  return `${line.slice(0, at)}${keyword}${escape(to)}@'%'${option ? ` ${option[0]}` : ""}`;
}
