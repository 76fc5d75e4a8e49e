import { type LoginFailure, loginFailureOf } from "../shared/login-failure";
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
   * Classifies a failed connection: `password-rejected` (a newer secret may cure it),
   * `login-refused` (refused for another reason, which a newer secret cures only if
   * another caller has already read one), or undefined (not a refused login).
   * @default loginFailureOf (mysql2 and pg codes, shared/login-failure.ts)
   */
  readonly loginFailureOf?: (error: unknown) => LoginFailure | undefined;
}

/** Keys a database credential secret must have for a connection. */
const REQUIRED_KEYS = ["username", "password", "host", "port"] as const;

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
 * rotation that happened since they were cached, without turning failed logins into
 * Secrets Manager calls.
 *
 * 1. Reads the secret (`AWSCURRENT`) from the cache and validates it.
 * 2. Calls `connect`. Any error that is not a refused login is rethrown as is.
 * 3. On a refused login, looks for a newer value: the cached one if another caller has
 *    replaced it meanwhile; otherwise, for a rejected password only, a forced refresh,
 *    which the cache makes at most once per `forceRefreshIntervalMs` per secret (joined
 *    by concurrent callers). Without a newer value the login error is rethrown at once;
 *    with one, `connect` is called once more, and whatever it throws propagates. An
 *    error of the refresh itself propagates too.
 *
 * @param connect opens one connection; called at most twice
 */
export async function connectWithSecret<C>(
  cache: SecretCache,
  secretId: string,
  connect: (credentials: DatabaseCredentials) => Promise<C>,
  options: ConnectWithSecretOptions = {},
): Promise<C> {
  const classify = options.loginFailureOf ?? loginFailureOf;
  const used = await cache.get(secretId);
  const credentials = parseDatabaseCredentials(used, secretId);
  try {
    return await connect(credentials);
  } catch (error) {
    const failure = classify(error);
    if (failure === undefined) {
      throw error;
    }
    let latest = await cache.get(secretId);
    if (latest === used && failure === "password-rejected") {
      latest = await cache.get(secretId, { forceRefresh: true });
    }
    if (latest === used) {
      throw error;
    }
    return connect(parseDatabaseCredentials(latest, secretId));
  }
}
