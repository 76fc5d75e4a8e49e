import type { DatabaseSecretValue } from "../lambda/secret-contract";
import { CURRENT_STAGE, type SecretCache, SecretCacheError, parseSecretJson } from "./secret-cache";

/**
 * What a database connection needs from a credential secret (the JSON of
 * `lambda/secret-contract.ts`).
 */
export interface DatabaseCredentials {
  /** User to log in as. */
  readonly username: string;
  /** Its password (set by the first rotation). */
  readonly password: string;
  /** Server host name or address. */
  readonly host: string;
  /** Server TCP port, 1-65535 (a numeric string in the JSON is accepted). */
  readonly port: number;
  /** Database to connect to. Absent: the driver's default. */
  readonly dbname?: string;
  /**
   * `false` allows plaintext; anything else means TLS with certificate verification.
   * @default true
   */
  readonly ssl?: boolean;
}

/** Options of {@link connectWithSecret}. */
export interface ConnectWithSecretOptions {
  /**
   * Decides whether a failed connection is an authentication failure, which a fresh
   * copy of the secret may cure.
   * @default isAuthenticationError (mysql2 and pg errors)
   */
  readonly isAuthError?: (error: unknown) => boolean;
}

/**
 * `code` values of authentication failures:
 * - mysql2 (MySQL, MariaDB): `ER_ACCESS_DENIED_ERROR`, errno 1045, wrong user name or
 *   password. Not `ER_DBACCESS_DENIED_ERROR` (1044, "access denied ... to database"):
 *   there the server accepted the password and refused the database, a privilege
 *   problem that a newer copy of the secret cannot fix.
 * - pg: SQLSTATEs of class 28, invalid authorization specification: `28P01`
 *   (invalid_password, also sent for an unknown role) and `28000` (e.g. "role is not
 *   permitted to log in", or no pg_hba.conf entry).
 */
const AUTH_ERROR_CODES: ReadonlySet<unknown> = new Set(["ER_ACCESS_DENIED_ERROR", "28P01", "28000"]);

/** Keys a database credential secret must have. */
const REQUIRED_KEYS = ["username", "password", "host", "port"] as const;

/**
 * Whether an error (or an error in its `cause` chain) is an authentication failure from
 * mysql2 (`code` `ER_ACCESS_DENIED_ERROR`, errno 1045) or pg (`code`, the SQLSTATE,
 * `28P01` or `28000`).
 */
export function isAuthenticationError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Object && depth < 8; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (AUTH_ERROR_CODES.has(code)) {
      return true;
    }
    current = cause;
  }
  return false;
}

/**
 * Validates a database credential secret's JSON. Errors list the missing or invalid
 * keys, never a value.
 *
 * @throws SecretCacheError "secret <id> (<stage>) is missing database keys: …"
 */
export function parseDatabaseCredentials(
  secretString: string,
  secretId: string,
  versionStage: string = CURRENT_STAGE,
): DatabaseCredentials {
  const json = parseSecretJson(secretString, secretId, versionStage);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SecretCacheError(secretId, versionStage, "is not a JSON object");
  }
  const secret = json as Partial<Record<keyof DatabaseSecretValue, unknown>>;
  const missing = REQUIRED_KEYS.filter((key) => secret[key] === undefined || secret[key] === null);
  if (missing.length > 0) {
    const hint = missing.includes("password") ? " (a new secret has no password until its first rotation)" : "";
    throw new SecretCacheError(secretId, versionStage, `is missing database keys: ${missing.join(", ")}${hint}`);
  }
  const port = typeof secret.port === "string" && /^\d+$/.test(secret.port) ? Number(secret.port) : secret.port;
  const invalid: string[] = [];
  for (const key of ["username", "password", "host"] as const) {
    if (typeof secret[key] !== "string" || secret[key] === "") {
      invalid.push(`${key} (a non-empty string)`);
    }
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    invalid.push("port (an integer 1-65535)");
  }
  if (secret.dbname !== undefined && typeof secret.dbname !== "string") {
    invalid.push("dbname (a string)");
  }
  if (secret.ssl !== undefined && typeof secret.ssl !== "boolean") {
    invalid.push("ssl (true or false)");
  }
  if (invalid.length > 0) {
    throw new SecretCacheError(secretId, versionStage, `has invalid database keys: ${invalid.join(", ")}`);
  }
  return {
    username: secret.username as string,
    password: secret.password as string,
    host: secret.host as string,
    port: port as number,
    ...(secret.dbname === undefined ? {} : { dbname: secret.dbname as string }),
    ...(secret.ssl === undefined ? {} : { ssl: secret.ssl as boolean }),
  };
}

/**
 * Opens a database connection with the credentials of a cached secret, and survives a
 * rotation that happened since they were cached.
 *
 * 1. Reads the secret (`AWSCURRENT`) from the cache and validates it.
 * 2. Calls `connect`. Any error that is not an authentication failure is rethrown as is.
 * 3. On an authentication failure, gets a newer value: the cached one if another caller
 *    has refreshed it meanwhile, otherwise a forced refresh from Secrets Manager (joined
 *    by concurrent callers). If the value did not change, retrying is pointless and the
 *    authentication error is rethrown; otherwise `connect` is called once more, and
 *    whatever it throws propagates. An error of the refresh itself propagates too.
 *
 * @param connect opens one connection; called at most twice
 */
export async function connectWithSecret<C>(
  cache: SecretCache,
  secretId: string,
  connect: (credentials: DatabaseCredentials) => Promise<C>,
  options: ConnectWithSecretOptions = {},
): Promise<C> {
  const isAuthError = options.isAuthError ?? isAuthenticationError;
  const used = await cache.get(secretId);
  const credentials = parseDatabaseCredentials(used, secretId);
  try {
    return await connect(credentials);
  } catch (error) {
    if (!isAuthError(error)) {
      throw error;
    }
    const cached = await cache.get(secretId);
    const latest = cached !== used ? cached : await cache.get(secretId, { forceRefresh: true });
    if (latest === used) {
      throw error;
    }
    return connect(parseDatabaseCredentials(latest, secretId));
  }
}
