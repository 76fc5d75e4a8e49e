import type { Engine, Privilege } from "../shared/secret-contract";
import {
  SecretFormatError,
  parseJsonObject,
  readDatabaseSecret,
  type DatabaseSecretFields,
  type DatabaseSecretKey,
} from "../shared/secret-json";
import type { SecretRotationBinding } from "./bindings";
import { RotationError } from "./errors";

/** A database credential secret version, as read: AWS's keys, checked for form but not yet against the binding. */
export interface DatabaseSecret {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Absent in the seed version that Terraform writes. */
  readonly password?: string;
  readonly dbname: string;
  readonly masterarn?: string;
  readonly ssl?: boolean;
  readonly privileges?: readonly Privilege[];
}

/** A secret version as read: its value and its JSON object exactly as stored. */
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

/**
 * Parses a database credential secret through the shared reader. Messages name the
 * field and the allowed values, never a value read from the secret.
 *
 * @param secretString the SecretString of the version
 * @param source how the version is named in messages, e.g. `secret <arn> version AWSCURRENT`
 */
export function parseDatabaseSecret(secretString: string | undefined, source: string): StoredDatabaseSecret {
  const { json, fields } = read(secretString, source, ["engine", "host", "port", "username", "dbname"]);
  return { json, value: fields as DatabaseSecret };
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

/**
 * Refuses a version whose JSON disagrees with the binding: the database (engine, host,
 * port, dbname), the master secret, TLS and the user must be the ones the deployer
 * configured, so that neither the function nor the applications reading the secret act
 * on anything else. `masterarn`, `ssl` and `privileges` are optional in AWS's format and
 * checked when present (`privileges` only when `checkPrivileges`).
 *
 * @param usernames the user names this version may name
 * @param source how the version is named in messages
 */
export function checkAgainstBinding(
  secret: DatabaseSecret,
  binding: SecretRotationBinding,
  usernames: readonly string[],
  source: string,
  checkPrivileges: boolean,
): void {
  const { database } = binding;
  const disagreement = (key: string, expected: string) =>
    new RotationError(
      `${source}: "${key}" disagrees with the function's binding for secret ${binding.secretName} (${expected}); ` +
        "refusing to act on a database, user or connection that the deployer did not configure",
    );
  for (const key of ["engine", "host", "port", "dbname"] as const) {
    if (secret[key] !== database[key]) throw disagreement(key, `${key} ${database[key]}`);
  }
  if (secret.masterarn !== undefined && secret.masterarn !== database.masterSecretArn) {
    throw disagreement("masterarn", `master secret ${database.masterSecretArn}`);
  }
  if (secret.ssl !== undefined && secret.ssl !== database.tls) {
    throw disagreement("ssl", database.tls ? "TLS required" : "no TLS");
  }
  if (!usernames.includes(secret.username)) throw disagreement("username", `user ${usernames.join(" or ")}`);
  if (checkPrivileges && secret.privileges !== undefined && !sameSet(secret.privileges, binding.privileges)) {
    throw disagreement("privileges", binding.privileges.join(", "));
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item)) && b.every((item) => a.includes(item));
}
