import {
  DEFAULT_PRIVILEGES,
  IDENTIFIER_PATTERN,
  MAX_USERNAME_LENGTH,
  type Engine,
  type Privilege,
} from "../shared/secret-contract";
import {
  SecretFormatError,
  parseJsonObject,
  readDatabaseSecret,
  type DatabaseSecretFields,
  type DatabaseSecretKey,
} from "../shared/secret-json";
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
 * Parses and validates a database credential secret: the contract's keys through the
 * shared reader, then this function's own rules for names that go into SQL. Messages
 * name the field and the allowed values, never a value read from the secret.
 *
 * @param secretString the SecretString of the version
 * @param source how the version is named in messages, e.g. `secret <arn> version AWSCURRENT`
 */
export function parseDatabaseSecret(secretString: string | undefined, source: string): StoredDatabaseSecret {
  const { json, fields } = read(secretString, source, ["engine", "host", "port", "username", "dbname"]);
  const invalid = (problem: string) => new RotationError(`${source}: ${problem}`);
  const engine = fields.engine as Engine;
  const username = requireIdentifier("username", fields.username as string, invalid);
  const maxLength = MAX_USERNAME_LENGTH[engine];
  if (username.length > maxLength) {
    throw invalid(`"username" must be at most ${maxLength} characters long for engine ${engine}`);
  }
  const dbname = requireIdentifier("dbname", fields.dbname as string, invalid);
  return {
    json,
    value: {
      engine,
      host: fields.host as string,
      port: fields.port as number,
      username,
      password: fields.password,
      dbname,
      masterarn: fields.masterarn,
      ssl: fields.ssl ?? true,
      privileges: fields.privileges ?? DEFAULT_PRIVILEGES,
    },
  };
}

/** Parses the master user's secret (e.g. the RDS-managed one): only `username` and `password` are used. */
export function parseMasterSecret(secretString: string | undefined, source: string): Credentials {
  const { fields } = read(secretString, source, ["username", "password"]);
  return { username: fields.username as string, password: fields.password as string };
}

function read(
  secretString: string | undefined,
  source: string,
  required: readonly DatabaseSecretKey[],
): { json: Record<string, unknown>; fields: DatabaseSecretFields } {
  try {
    const json = parseJsonObject(secretString);
    return { json, fields: readDatabaseSecret(json, required) };
  } catch (error) {
    if (error instanceof SecretFormatError) throw new RotationError(`${source}: ${valueProblem(error)}`);
    throw error;
  }
}

/** The reader's problem, in this function's words: "value is not valid JSON", `"port" must be ...`. */
function valueProblem(error: SecretFormatError): string {
  return error.missing.length + error.invalid.length > 0 ? error.problem : `value ${error.problem}`;
}

function requireIdentifier(key: string, value: string, invalid: (problem: string) => RotationError): string {
  if (!IDENTIFIER_PATTERN.test(value)) throw invalid(`"${key}" must consist of ${IDENTIFIER_RULE}`);
  return value;
}
