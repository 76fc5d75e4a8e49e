/**
 * Application-side access to database credential secrets: a cache that keeps Secrets
 * Manager calls (and their cost) down, a connection helper that survives rotations, and
 * a hook that drops a secret from the cache when its rotation is announced.
 */
export {
  CURRENT_STAGE,
  DEFAULT_FORCE_REFRESH_INTERVAL_MS,
  DEFAULT_HARD_EXPIRY_MS,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_RETRY_AFTER_ERROR_MS,
  DEFAULT_TTL_MS,
  type GetSecretOptions,
  type GetSecretValueClient,
  SecretCache,
  SecretCacheError,
  type SecretCacheOptions,
} from "./secret-cache";
export {
  type ConnectWithSecretOptions,
  type DatabaseCredentials,
  connectWithSecret,
  parseDatabaseCredentials,
} from "./connect-with-secret";
export { type LoginFailure, loginFailureOf } from "../shared/login-failure";
export {
  type DatabaseTls,
  type MysqlConnectionOptions,
  type PgClientConfig,
  type VerifiedTls,
  mysqlConnectionOptions,
  pgClientConfig,
} from "./driver-config";
export { type RotationEventOutcome, handleRotationEvent } from "./rotation-events";
