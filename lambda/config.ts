import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { DatabaseBindings, SecretBindingsFile } from "../shared/rotation-binding";
import { SDK_REQUEST_TIMEOUTS } from "../shared/sdk-timeouts";
import { ROTATION_STRATEGIES, type RotationStrategy } from "../shared/secret-contract";
import { DEFAULT_ENGINES, type EngineRegistry } from "./engines";
import { RotationError } from "./errors";
import { policyProblem } from "./password";

/**
 * Characters excluded from generated passwords by default: every ASCII punctuation
 * character except `-`, `_` and `.` (the URL "unreserved" ones). What is left needs no
 * escaping in a URL, a JDBC or libpq connection string, a `.pgpass` line, a shell word
 * or a SQL literal. Whitespace is never included (IncludeSpace is false).
 */
export const DEFAULT_EXCLUDE_CHARACTERS = "!\"#$%&'()*+,/:;<=>?@[\\]^`{|}~";

/** Configuration of the rotation function. Each field can be passed to createHandler; otherwise it comes from the environment. */
export interface RotationOptions {
  /**
   * Secrets Manager client.
   * @default a client for the function's region with 3 s connection and 5 s request timeouts;
   *   it honours AWS_ENDPOINT_URL_SECRETS_MANAGER
   */
  readonly client: SecretsManagerClient;
  /** Environment variable `ROTATION_STRATEGY` (required): `single-user` or `alternating-users`. */
  readonly strategy: RotationStrategy;
  /**
   * The databases the function may act on.
   * @default the JSON of the environment variable `ROTATION_DATABASES` (see shared/rotation-binding.ts)
   */
  readonly databases: DatabaseBindings;
  /**
   * The secrets the function may rotate.
   * @default the file `secret-bindings.json` next to the bundle (see shared/rotation-binding.ts)
   */
  readonly secretBindings: SecretBindingsFile;
  /**
   * Length of generated passwords, 16 to 128 (`PASSWORD_LENGTH`).
   * @default 32
   */
  readonly passwordLength: number;
  /**
   * Characters generated passwords never contain (`EXCLUDE_CHARACTERS`; an empty value means the default).
   * @default DEFAULT_EXCLUDE_CHARACTERS
   */
  readonly excludeCharacters: string;
  /**
   * PEM file of the CAs that sign database certificates (`DB_CA_BUNDLE`). Read only when a TLS connection is made.
   * @default "/var/runtime/ca-cert.pem" (on Lambda's Node.js runtimes it includes the RDS CAs)
   */
  readonly caBundlePath: string;
  /**
   * Limit of establishing a database connection, TLS and login included, 100 to 60000 ms (`CONNECT_TIMEOUT_MS`).
   * @default 5000
   */
  readonly connectTimeoutMs: number;
  /**
   * Limit of each SQL statement, 100 to 60000 ms (`QUERY_TIMEOUT_MS`).
   * @default 5000
   */
  readonly queryTimeoutMs: number;
  /**
   * Database drivers per engine family; tests inject doubles.
   * @default mysql2 for MySQL-family engines, pg for PostgreSQL-family engines
   */
  readonly engines: EngineRegistry;
}

/** The settings resolveOptions completes; the bindings are loaded by loadBindings (bindings.ts). */
export type Settings = Omit<RotationOptions, "databases" | "secretBindings">;

/** Completes `overrides` from the environment and validates every field. */
export function resolveOptions(overrides: Partial<RotationOptions>, env: NodeJS.ProcessEnv): Settings {
  const strategy = overrides.strategy ?? env.ROTATION_STRATEGY;
  if (strategy === undefined || strategy === "") {
    throw new RotationError(`ROTATION_STRATEGY is required: one of ${ROTATION_STRATEGIES.join(", ")}`);
  }
  if (!(ROTATION_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new RotationError(`ROTATION_STRATEGY must be one of ${ROTATION_STRATEGIES.join(", ")}; got "${strategy}"`);
  }
  const excludeCharacters = overrides.excludeCharacters ?? (env.EXCLUDE_CHARACTERS || DEFAULT_EXCLUDE_CHARACTERS);
  if (excludeCharacters.length > 4096) throw new RotationError("EXCLUDE_CHARACTERS must be at most 4096 characters long");
  const caBundlePath = overrides.caBundlePath ?? (env.DB_CA_BUNDLE || "/var/runtime/ca-cert.pem");
  if (caBundlePath === "") throw new RotationError("DB_CA_BUNDLE must be a file path");
  const passwordLength = integerSetting("PASSWORD_LENGTH", overrides.passwordLength, env, 32, 16, 128);
  const problem = policyProblem({ length: passwordLength, excludeCharacters });
  if (problem !== undefined) throw new RotationError(problem);
  return {
    client: overrides.client ?? new SecretsManagerClient({ requestHandler: SDK_REQUEST_TIMEOUTS }),
    strategy: strategy as RotationStrategy,
    passwordLength,
    excludeCharacters,
    caBundlePath,
    connectTimeoutMs: integerSetting("CONNECT_TIMEOUT_MS", overrides.connectTimeoutMs, env, 5000, 100, 60000),
    queryTimeoutMs: integerSetting("QUERY_TIMEOUT_MS", overrides.queryTimeoutMs, env, 5000, 100, 60000),
    engines: overrides.engines ?? DEFAULT_ENGINES,
  };
}

function integerSetting(
  name: string,
  override: number | undefined,
  env: NodeJS.ProcessEnv,
  defaultValue: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  const value = override ?? (text === undefined || text === "" ? defaultValue : /^\d+$/.test(text) ? Number(text) : NaN);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RotationError(`${name} must be an integer from ${min} to ${max}; got "${override ?? text}"`);
  }
  return value;
}
