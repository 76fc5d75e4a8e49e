/**
 * The one reader of a database credential secret's JSON, used by the rotation function
 * and by the application library. It checks the form of each key of the contract
 * (secret-contract.ts) and reports every missing or malformed key by name and rule,
 * never by value: a message may be logged, and the value holds a password.
 *
 * What a side requires is its own business: the rotation function needs `engine` and
 * `dbname` and accepts a seed without `password`; an application needs the password
 * and the address, and nothing else.
 */
import { ENGINES, PRIVILEGES, type Engine, type Privilege } from "./secret-contract";

/** The keys of the contract that this reader checks, with their types once checked. */
export interface DatabaseSecretFields {
  readonly engine?: Engine;
  readonly host?: string;
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  readonly dbname?: string;
  readonly masterarn?: string;
  readonly ssl?: boolean;
  readonly privileges?: readonly Privilege[];
}
export type DatabaseSecretKey = keyof DatabaseSecretFields;

/** A key that is present but breaks its rule. */
export interface InvalidKey {
  readonly key: DatabaseSecretKey;
  /** What the value must be, e.g. `an integer from 1 to 65535`. */
  readonly rule: string;
}

/** Why a secret's value cannot be read. The message names keys and rules only. */
export class SecretFormatError extends Error {
  constructor(
    /** What is wrong with the whole value, or the keys' problems joined. */
    readonly problem: string,
    /** Required keys that are absent or null. */
    readonly missing: readonly DatabaseSecretKey[] = [],
    /** Keys that are present and break their rule. */
    readonly invalid: readonly InvalidKey[] = [],
  ) {
    super(problem);
    this.name = "SecretFormatError";
  }
}

/** The SecretString as a JSON object. The parser's own message quotes the text, so it is never passed on. */
export function parseJsonObject(secretString: string | undefined): Record<string, unknown> {
  if (secretString === undefined) throw new SecretFormatError("has no SecretString");
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new SecretFormatError("is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError("is not a JSON object");
  }
  return parsed as Record<string, unknown>;
}

type Reader<T> = { readonly rule: string; readonly read: (value: unknown) => T | undefined };

const nonEmptyString: Reader<string> = {
  rule: "a non-empty string",
  read: (value) => (typeof value === "string" && value.trim() !== "" ? value : undefined),
};

/** Each key's rule. A port may also be decimal text, as some tools (and AWS's templates) write it. */
const READERS: { readonly [K in DatabaseSecretKey]-?: Reader<NonNullable<DatabaseSecretFields[K]>> } = {
  engine: {
    rule: `one of ${ENGINES.join(", ")}`,
    read: (value) => (ENGINES as readonly unknown[]).includes(value) ? (value as Engine) : undefined,
  },
  host: {
    rule: "a non-empty string without whitespace",
    read: (value) => (typeof value === "string" && /^\S+$/.test(value) ? value : undefined),
  },
  port: {
    rule: "an integer from 1 to 65535",
    read: (value) => {
      const port = typeof value === "string" && /^\d{1,5}$/.test(value) ? Number(value) : value;
      return typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
    },
  },
  username: nonEmptyString,
  password: nonEmptyString,
  dbname: nonEmptyString,
  masterarn: nonEmptyString,
  // Only JSON's true and false: text such as "false" is refused, so that no spelling turns TLS off.
  ssl: { rule: "true or false", read: (value) => (typeof value === "boolean" ? value : undefined) },
  privileges: {
    rule: `a non-empty array of ${PRIVILEGES.join(", ")}`,
    read: (value) =>
      Array.isArray(value) && value.length > 0 && value.every((p) => (PRIVILEGES as readonly unknown[]).includes(p))
        ? (value as Privilege[])
        : undefined,
  },
};

/**
 * Reads the contract's keys from a secret's JSON object: each present key must follow
 * its rule, each of `required` must be present (null counts as absent). Keys outside the
 * contract are ignored here; the caller keeps the object to carry them over.
 *
 * @throws SecretFormatError listing every missing and every invalid key, in the order of `required` then the contract
 */
export function readDatabaseSecret(
  json: Readonly<Record<string, unknown>>,
  required: readonly DatabaseSecretKey[],
): DatabaseSecretFields {
  const fields: Record<string, unknown> = {};
  const missing: DatabaseSecretKey[] = [];
  const invalid: InvalidKey[] = [];
  const keys = [...new Set([...required, ...(Object.keys(READERS) as DatabaseSecretKey[])])];
  for (const key of keys) {
    const value = Object.hasOwn(json, key) ? json[key] : undefined;
    if (value === undefined || value === null) {
      if (required.includes(key)) missing.push(key);
      continue;
    }
    const read = READERS[key].read(value);
    if (read === undefined) invalid.push({ key, rule: READERS[key].rule });
    else fields[key] = read;
  }
  if (missing.length > 0 || invalid.length > 0) {
    const problems = [
      ...missing.map((key) => `"${key}" must be ${READERS[key].rule}`),
      ...invalid.map(({ key, rule }) => `"${key}" must be ${rule}`),
    ];
    throw new SecretFormatError(problems.join("; "), missing, invalid);
  }
  return fields as DatabaseSecretFields;
}
