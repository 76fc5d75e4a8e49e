import { loginFailureOf } from "../shared/login-failure";
import { SecretFormatError, parseJsonObject, readDatabaseSecret, type DatabaseSecretFields } from "../shared/secret-json";
import { CURRENT_STAGE, type SecretCache, SecretCacheError } from "./secret-cache";

/**
 * What a database connection needs from a credential secret (the JSON of
 * `shared/secret-contract.ts`, read by `shared/secret-json.ts`).
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

/** Keys a database credential secret must have for a connection. */
const REQUIRED_KEYS = ["username", "password", "host", "port"] as const;

/**
 * Whether an error (or an error in its `cause` chain) is a refused login from mysql2 or
 * pg: a rejected password (`ER_ACCESS_DENIED_ERROR`, `28P01`) or another refusal
 * (`28000`); see `shared/login-failure.ts`.
 */
export function isAuthenticationError(error: unknown): boolean {
  return loginFailureOf(error) !== undefined;
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
  let fields: DatabaseSecretFields;
  try {
    fields = readDatabaseSecret(parseJsonObject(secretString), REQUIRED_KEYS);
  } catch (error) {
    if (!(error instanceof SecretFormatError)) throw error;
    throw new SecretCacheError(secretId, versionStage, credentialsProblem(error));
  }
  return {
    username: fields.username as string,
    password: fields.password as string,
    host: fields.host as string,
    port: fields.port as number,
    ...(fields.dbname === undefined ? {} : { dbname: fields.dbname }),
    ...(fields.ssl === undefined ? {} : { ssl: fields.ssl }),
  };
}

/** The reader's problem in this library's words: the missing keys first, else the invalid ones. */
function credentialsProblem({ problem, missing, invalid }: SecretFormatError): string {
  if (missing.length > 0) {
    const hint = missing.includes("password") ? " (a new secret has no password until its first rotation)" : "";
    return `is missing database keys: ${missing.join(", ")}${hint}`;
  }
  if (invalid.length > 0) {
    return `has invalid database keys: ${invalid.map(({ key, rule }) => `${key} (${rule})`).join(", ")}`;
  }
  return problem;
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
