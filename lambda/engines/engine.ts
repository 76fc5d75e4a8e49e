import { PRIVILEGES, type Engine, type EngineFamily, type Privilege } from "../secret-contract";
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
 * An open connection. Methods reject with DatabaseErrors that never contain SQL text.
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

/** The privilege names to put in a GRANT, deduplicated and in a fixed order. */
export function privilegeList(privileges: readonly Privilege[]): string {
  return PRIVILEGES.filter((p) => privileges.includes(p)).join(", ");
}
