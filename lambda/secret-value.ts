import {
  DEFAULT_PRIVILEGES,
  ENGINES,
  IDENTIFIER_PATTERN,
  MAX_USERNAME_LENGTH,
  PRIVILEGES,
  type Engine,
  type Privilege,
} from "./secret-contract";
import { RotationError } from "./errors";

/** A database credential secret version, validated. */
export interface DatabaseSecret {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Absent in the seed version that Terraform writes (the bootstrap case). */
  readonly password?: string;
  readonly dbname: string;
  readonly masterarn?: string;
  /** Whether to connect with TLS; only an explicit `false` in the JSON turns it off. */
  readonly ssl: boolean;
  /** `privileges` of the JSON, or DEFAULT_PRIVILEGES. */
  readonly privileges: readonly Privilege[];
}

/** A secret version as read: its validated value and its JSON object exactly as stored. */
export interface StoredDatabaseSecret {
  readonly value: DatabaseSecret;
  /** Every key as stored, including ones this function does not use, so that a new version keeps them. */
  readonly json: Readonly<Record<string, unknown>>;
}

/** User name and password to log in with. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const IDENTIFIER_RULE = "letters, digits and _, starting with a letter or _";

/**
 * Parses and validates a database credential secret. Messages name the field and the
 * allowed values, never a value read from the secret.
 *
 * @param secretString the SecretString of the version
 * @param source how the version is named in messages, e.g. `secret <arn> version AWSCURRENT`
 */
export function parseDatabaseSecret(secretString: string | undefined, source: string): StoredDatabaseSecret {
  const json = parseJsonObject(secretString, source);
  const invalid = (problem: string) => new RotationError(`${source}: ${problem}`);

  const engine = json.engine;
  if (!isOneOf(engine, ENGINES)) throw invalid(`"engine" must be one of ${ENGINES.join(", ")}`);
  const host = requireString(json, "host", invalid);
  if (/\s/.test(host)) throw invalid(`"host" must not contain whitespace`);
  // AWS's templates also accept the port as decimal text, as some tools write it.
  const port = typeof json.port === "string" && /^\d{1,5}$/.test(json.port) ? Number(json.port) : json.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid(`"port" must be an integer from 1 to 65535`);
  }
  const username = requireIdentifier(json, "username", invalid);
  const maxLength = MAX_USERNAME_LENGTH[engine];
  if (username.length > maxLength) {
    throw invalid(`"username" must be at most ${maxLength} characters long for engine ${engine}`);
  }
  const dbname = requireIdentifier(json, "dbname", invalid);

  const password = json.password ?? undefined;
  if (password !== undefined && (typeof password !== "string" || password === "")) {
    throw invalid(`"password" must be a non-empty string when present`);
  }
  const masterarn = json.masterarn === undefined ? undefined : requireString(json, "masterarn", invalid);
  // As in AWS's templates, "true" and "false" as text mean the booleans.
  const ssl = typeof json.ssl === "string" ? { true: true, false: false }[json.ssl.toLowerCase()] : (json.ssl ?? true);
  if (typeof ssl !== "boolean") throw invalid(`"ssl" must be true or false`);

  const privileges = json.privileges ?? DEFAULT_PRIVILEGES;
  if (!Array.isArray(privileges) || privileges.length === 0 || !privileges.every((p) => isOneOf(p, PRIVILEGES))) {
    throw invalid(`"privileges" must be a non-empty array of ${PRIVILEGES.join(", ")}`);
  }

  return {
    json,
    value: { engine, host, port, username, password, dbname, masterarn, ssl, privileges },
  };
}

/** Parses the master user's secret (e.g. the RDS-managed one): only `username` and `password` are used. */
export function parseMasterSecret(secretString: string | undefined, source: string): Credentials {
  const json = parseJsonObject(secretString, source);
  const invalid = (problem: string) => new RotationError(`${source}: ${problem}`);
  return { username: requireString(json, "username", invalid), password: requireString(json, "password", invalid) };
}

function parseJsonObject(secretString: string | undefined, source: string): Record<string, unknown> {
  if (secretString === undefined) throw new RotationError(`${source}: has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // The parser's message quotes the text around the error: never pass it on.
    throw new RotationError(`${source}: value is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RotationError(`${source}: value is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value);
}

function requireString(
  json: Record<string, unknown>,
  key: string,
  invalid: (problem: string) => RotationError,
): string {
  const value = json[key];
  if (typeof value !== "string" || value.trim() === "") throw invalid(`"${key}" must be a non-empty string`);
  return value;
}

function requireIdentifier(
  json: Record<string, unknown>,
  key: string,
  invalid: (problem: string) => RotationError,
): string {
  const value = requireString(json, key, invalid);
  if (!IDENTIFIER_PATTERN.test(value)) throw invalid(`"${key}" must consist of ${IDENTIFIER_RULE}`);
  return value;
}
