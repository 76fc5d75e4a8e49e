import { isIP } from "node:net";
import { createConnection, escapeId, type Connection, type RowDataPacket } from "mysql2/promise";
import { socketToIp } from "../../shared/tls-socket";
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

  async inspectUser(username: string): Promise<UserStatus> {
    let rows: RowDataPacket[];
    try {
      [rows] = await this.connection.query<RowDataPacket[]>({
        sql: "SHOW GRANTS FOR ?@'%'",
        values: [username],
        timeout: this.queryTimeoutMs,
      });
    } catch (cause) {
      if ((cause as { errno?: unknown }).errno === ER_NONEXISTING_GRANT) return { exists: false };
      throw toDatabaseError(`read the grants of ${username}`, cause, true);
    }
    return { exists: true, ...readGrants(rows.map((row) => String(Object.values(row)[0]))) };
  }

  async createUser(username: string, password: string): Promise<void> {
    await this.ensureMarkerRole();
    await this.run(`create user ${username}`, "CREATE USER ?@'%' IDENTIFIED BY ?", {
      values: [username, password],
      secret: true,
    });
    await this.markUser(username);
  }

  async markUser(username: string): Promise<void> {
    await this.ensureMarkerRole();
    await this.run(`mark user ${username} as managed`, `GRANT ${escapeId(MANAGED_USER_MARKER)} TO ?@'%'`, { values: [username] });
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.run(`set the password of user ${username}`, "ALTER USER ?@'%' IDENTIFIED BY ?", {
      values: [username, password],
      secret: true,
    });
  }

  async applyPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void> {
    const { grant, revoke } = privilegeChange(privileges);
    const database = grantDatabase(dbname);
    // GRANT first: the user never lacks a bound privilege, and the REVOKE then finds the
    // database-level grant it needs (MySQL refuses to revoke from a user with none there).
    await this.run(`grant ${grant.join(", ")} on ${dbname} to ${username}`, `GRANT ${grant.join(", ")} ON ${database}.* TO ?@'%'`, {
      values: [username],
    });
    if (revoke.length > 0) {
      const list = revoke.join(", ");
      await this.run(`revoke ${list} on ${dbname} from ${username}`, `REVOKE ${list} ON ${database}.* FROM ?@'%'`, {
        values: [username],
      });
    }
  }

  async holdsExactly(dbname: string, privileges: readonly Privilege[]): Promise<boolean> {
    const rows = await this.run("read the grants of the connected user", "SHOW GRANTS");
    const prefix = `ON ${grantDatabase(dbname)}.* TO `;
    const line = rows
      .map((row) => String(Object.values(row)[0]))
      .find((text) => text.startsWith("GRANT ") && text.includes(` ${prefix}`));
    const held = line === undefined ? [] : line.slice("GRANT ".length, line.indexOf(` ${prefix}`)).split(", ");
    return isExactly(held, privileges);
  }

  /** Creates MANAGED_USER_MARKER, a role with no privileges, once per server; its creator may grant it. */
  private async ensureMarkerRole(): Promise<void> {
    await this.run("create the marker role", `CREATE ROLE IF NOT EXISTS ${escapeId(MANAGED_USER_MARKER)}`);
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

/** MySQL's "There is no such grant defined for user": SHOW GRANTS for a user that does not exist. */
const ER_NONEXISTING_GRANT = 1141;

/** `dbname` as a database-level GRANT names it: in such a GRANT, _ and % are wildcards, so they are escaped. */
function grantDatabase(dbname: string): string {
  return escapeId(dbname.replace(/[_%]/g, "\\$&"));
}

/**
 * Reads SHOW GRANTS lines (MySQL 8 and MariaDB forms): the user is managed if it holds
 * MANAGED_USER_MARKER; privileged if it holds any global privilege, any grant or admin
 * option, or any other role. Reasons name privileges and roles, never a line (MariaDB's
 * USAGE line carries the password hash).
 */
export function readGrants(lines: readonly string[]): { managed: boolean; privileged?: string } {
  const reasons: string[] = [];
  let managed = false;
  for (const line of lines) {
    if (!line.startsWith("GRANT ")) continue;
    if (/ WITH (GRANT|ADMIN) OPTION$/.test(line)) reasons.push("a grant or admin option");
    const roles = /^GRANT ((?:`[^`]+`(?:@`[^`]*`)?(?:, )?)+) TO /.exec(line);
    if (roles) {
      for (const [, role] of roles[1].matchAll(/`([^`]+)`(?:@`[^`]*`)?/g)) {
        if (role === MANAGED_USER_MARKER) managed = true;
        else reasons.push(`role ${role}`);
      }
      continue;
    }
    const global = /^GRANT (.+?) ON \*\.\* TO /.exec(line);
    if (global && global[1] !== "USAGE") reasons.push(`global privileges ${global[1]}`);
  }
  return { managed, privileged: reasons.length > 0 ? [...new Set(reasons)].join("; ") : undefined };
}
