import { PRIVILEGES, type Engine, type EngineFamily, type Privilege } from "../../shared/secret-contract";
import type { Credentials } from "../secret-value";

/** Where to connect. */
export interface ConnectionTarget {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
}

export interface ConnectOptions {
  /** Connect with TLS, verifying the server certificate and host name against this CA bundle (PEM). Absent: plaintext. */
  readonly tls?: { readonly ca: string };
  readonly connectTimeoutMs: number;
  /** Limit of every statement. */
  readonly queryTimeoutMs: number;
}

/**
 * One engine family's driver. `connect` rejects with a DatabaseError whose
 * `authenticationFailed` says whether the server refused the credentials.
 */
export interface DatabaseEngine {
  connect(target: ConnectionTarget, credentials: Credentials, options: ConnectOptions): Promise<DatabaseSession>;
}

/**
 * How the function recognises the users it created: a marker it sets in the same
 * operation that creates them, and that only a database administrator can set or remove.
 * - PostgreSQL: the role's comment (`COMMENT ON ROLE`), written in the transaction that
 *   creates the role. Setting it takes CREATEROLE (PostgreSQL 16+: ADMIN OPTION on the
 *   role), which an application user never has.
 * - MySQL and MariaDB: membership of the role of this name, which holds no privileges.
 *   MariaDB has no user comments, so one mechanism serves both; granting the role takes
 *   its ADMIN OPTION (the master, who creates it) or ROLE_ADMIN. The grant follows
 *   CREATE USER, so a process killed in between leaves an unmarked user: the retry of
 *   that rotation recognises it because it logs in with the rotation's pending
 *   password, and marks it (see setSecret).
 * An administrator adopts an existing user by setting the marker by hand.
 */
export const MANAGED_USER_MARKER = "secrets_rotation_managed";

/** What the database says about a user, read before the function changes it. */
export type UserStatus =
  | { readonly exists: false }
  | {
      readonly exists: true;
      /** The user carries MANAGED_USER_MARKER. */
      readonly managed: boolean;
      /** Why the user is privileged (superuser, global privileges, grant option, a role...), or undefined. */
      readonly privileged?: string;
    };

/**
 * An open connection. Methods reject with DatabaseErrors that never contain a password
 * (the driver's message is dropped for statements that carry one).
 * Users are `'name'@'%'` on MySQL-family engines and login roles on PostgreSQL.
 */
export interface DatabaseSession {
  /** Runs a trivial query. */
  test(): Promise<void>;
  /** Changes the password of the user this session is logged in as. */
  setOwnPassword(password: string): Promise<void>;
  /** The user as the database sees it; the connected user may inspect itself without any privilege. */
  inspectUser(username: string): Promise<UserStatus>;
  /** Creates the user with the password and MANAGED_USER_MARKER. */
  createUser(username: string, password: string): Promise<void>;
  /** Sets MANAGED_USER_MARKER on an existing user. */
  markUser(username: string): Promise<void>;
  setPassword(username: string, password: string): Promise<void>;
  /**
   * Gives the user exactly `privileges` of PRIVILEGES on the tables of `dbname`: grants
   * them and revokes the others, without a moment in which a bound privilege is missing.
   */
  applyPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void>;
  /** Whether the connected user holds exactly `privileges` of PRIVILEGES on the tables of `dbname`. */
  holdsExactly(dbname: string, privileges: readonly Privilege[]): Promise<boolean>;
  /** Closes the connection; never rejects. */
  close(): Promise<void>;
}

/** The driver of each engine family. */
export type EngineRegistry = Readonly<Record<EngineFamily, DatabaseEngine>>;

/** How a connection attempt is named in errors, e.g. `connect to mysql at db:3306 as app`. */
export function connectOperation(target: ConnectionTarget, username: string): string {
  return `connect to ${target.engine} at ${target.host}:${target.port} as ${username}`;
}

/** Options of one statement run by a session. */
export interface StatementOptions {
  /** Values bound to the statement's placeholders (`?` for mysql2, `$1`, `$2`... for pg) by the driver. */
  readonly values?: string[];
  /** The statement carries a password (or a password verifier): the driver's error message is dropped. */
  readonly secret?: boolean;
}

/** The privileges to grant and to revoke for exactly `privileges`, each in the fixed order of PRIVILEGES. */
export function privilegeChange(privileges: readonly Privilege[]): { grant: Privilege[]; revoke: Privilege[] } {
  return {
    grant: PRIVILEGES.filter((p) => privileges.includes(p)),
    revoke: PRIVILEGES.filter((p) => !privileges.includes(p)),
  };
}

/** Whether `held` (privilege names as a server lists them) are exactly `privileges`, ignoring privileges outside PRIVILEGES. */
export function isExactly(held: Iterable<string>, privileges: readonly Privilege[]): boolean {
  const ours = new Set([...held].filter((p) => (PRIVILEGES as readonly string[]).includes(p)));
  return ours.size === privileges.length && privileges.every((p) => ours.has(p));
}
