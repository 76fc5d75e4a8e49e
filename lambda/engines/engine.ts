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
 * An open connection. Methods reject with DatabaseErrors that never contain a password
 * (the driver's message is dropped for statements that carry one).
 * Users are `'name'@'%'` on MySQL-family engines and login roles on PostgreSQL.
 */
export interface DatabaseSession {
  /** Runs a trivial query. */
  test(): Promise<void>;
  /** Changes the password of the user this session is logged in as. */
  setOwnPassword(password: string): Promise<void>;
  userExists(username: string): Promise<boolean>;
  createUser(username: string, password: string): Promise<void>;
  setPassword(username: string, password: string): Promise<void>;
  /** Grants `privileges` on the tables of `dbname` (idempotent; see PRIVILEGES). */
  grantPrivileges(username: string, dbname: string, privileges: readonly Privilege[]): Promise<void>;
  /** Gives `to` every privilege `from` has (idempotent and additive). */
  copyPrivileges(from: string, to: string): Promise<void>;
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

/** The privilege names to put in a GRANT, deduplicated and in a fixed order. */
export function privilegeList(privileges: readonly Privilege[]): string {
  return PRIVILEGES.filter((p) => privileges.includes(p)).join(", ");
}
