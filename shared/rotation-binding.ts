/**
 * The rotation function's authority: which secrets it may rotate, and for each, the
 * database, the master secret and the user it acts on. The deployer (Terraform) writes
 * it; nothing in a secret can widen it. The secret's JSON stays AWS's format and is
 * checked against the binding, not trusted.
 *
 * It travels in two channels that only whoever can change the function can change:
 * - the **database bindings** in the function's environment variable
 *   {@link DATABASE_BINDINGS_VARIABLE} (one small entry per database; Terraform fills in
 *   the endpoint and the RDS-managed master secret's ARN at apply time);
 * - the **secret bindings** in the file {@link SECRET_BINDINGS_FILE} of the function's
 *   deployment package, keyed by secret name (any number of secrets: the environment
 *   variables of a function are limited to 4 KB in all).
 *
 * The constructs write both with the serializers below; the function reads both with the
 * parsers, which refuse anything malformed with a message naming the field.
 */
import {
  CLONE_SUFFIX,
  ENGINES,
  IDENTIFIER_PATTERN,
  MAX_USERNAME_LENGTH,
  PRIVILEGES,
  ROTATION_STRATEGIES,
  engineFamily,
  type Engine,
  type EngineFamily,
  type Privilege,
  type RotationStrategy,
} from "./secret-contract";

/** Environment variable of the function holding the database bindings (JSON). */
export const DATABASE_BINDINGS_VARIABLE = "ROTATION_DATABASES";

/** File of the function's deployment package, next to `index.js`, holding the secret bindings (JSON). */
export const SECRET_BINDINGS_FILE = "secret-bindings.json";

/**
 * Accounts that the database or the cloud provider owns, which the function never
 * creates nor changes, whatever a binding says: `root`, RDS's `rdsadmin`/`rdsrepladmin`
 * and `rds_*` roles, MySQL's `mysql.*` system accounts (their dot already fails
 * IDENTIFIER_PATTERN), PostgreSQL's `postgres` and `pg_*` roles, Azure's `azure_*`.
 * Matched case-insensitively: MySQL compares user names exactly, but a near-miss of a
 * reserved name is refused too rather than argued about.
 */
export const RESERVED_USERNAME_PATTERN = /^(root|rdsadmin|rdsrepladmin|postgres|rds_.*|pg_.*|azure_.*|mysql\..*)$/i;

/** Schemas of the server itself, refused as a binding's `dbname`: no application user gets privileges there. */
export const SYSTEM_SCHEMAS: Readonly<Record<EngineFamily, readonly string[]>> = {
  mysql: ["mysql", "information_schema", "performance_schema", "sys"],
  postgres: ["postgres", "template0", "template1"],
};

/** One database the function may act on, keyed by a name of the deployer's (the DB instance or cluster identifier). */
export interface DatabaseBinding {
  readonly engine: Engine;
  /** Endpoint address of the instance or the cluster's writer. */
  readonly host: string;
  readonly port: number;
  /** The database application users get privileges on. */
  readonly dbname: string;
  /** ARN of the master user's secret (the RDS-managed one). */
  readonly masterSecretArn: string;
  /** Connections use TLS with certificate and host verification. Nothing in a secret can turn it off. */
  readonly tls: boolean;
}

/** One secret the function may rotate, keyed by the secret's name. */
export interface SecretBinding {
  /** Key of its database in the database bindings. */
  readonly database: string;
  /** The application user (alternating users: the base name; its clone is `<username>_clone`). */
  readonly username: string;
  /** Exactly the privileges the user holds on `dbname`, after every rotation. */
  readonly privileges: readonly Privilege[];
}

/** The content of {@link SECRET_BINDINGS_FILE}. */
export interface SecretBindingsFile {
  readonly version: 1;
  /** The strategy of the function the file belongs to. */
  readonly strategy: RotationStrategy;
  readonly secrets: Readonly<Record<string, SecretBinding>>;
}

export type DatabaseBindings = Readonly<Record<string, DatabaseBinding>>;

/** A binding that cannot be read: the message names the channel and the field. */
export class BindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindingError";
  }
}

/**
 * The text of {@link SECRET_BINDINGS_FILE}: keys in a fixed order, secrets sorted by
 * name, so that the same bindings always give the same bytes (and the same zip hash).
 */
export function serializeSecretBindings(file: SecretBindingsFile): string {
  const secrets = Object.fromEntries(
    Object.keys(file.secrets)
      .sort()
      .map((name) => {
        const { database, username, privileges } = file.secrets[name];
        return [name, { database, username, privileges: PRIVILEGES.filter((p) => privileges.includes(p)) }];
      }),
  );
  return `${JSON.stringify({ version: file.version, strategy: file.strategy, secrets })}\n`;
}

/** Parses and checks {@link SECRET_BINDINGS_FILE}. */
export function parseSecretBindings(text: string): SecretBindingsFile {
  const source = SECRET_BINDINGS_FILE;
  const json = parseObject(text, source);
  if (json.version !== 1) throw new BindingError(`${source}: "version" must be 1`);
  const strategy = json.strategy;
  if (!(ROTATION_STRATEGIES as readonly unknown[]).includes(strategy)) {
    throw new BindingError(`${source}: "strategy" must be one of ${ROTATION_STRATEGIES.join(", ")}`);
  }
  const secrets = objectField(json, "secrets", source);
  const parsed: Record<string, SecretBinding> = {};
  for (const [name, value] of Object.entries(secrets)) {
    const where = `${source}: secret ${JSON.stringify(name)}`;
    if (name === "") throw new BindingError(`${source}: a secret name must not be empty`);
    const binding = asObject(value, where);
    const database = stringField(binding, "database", where);
    const username = stringField(binding, "username", where);
    if (!IDENTIFIER_PATTERN.test(username)) {
      throw new BindingError(`${where}: "username" must consist of letters, digits and _, starting with a letter or _`);
    }
    const privileges = binding.privileges;
    if (
      !Array.isArray(privileges) ||
      privileges.length === 0 ||
      !privileges.every((p) => (PRIVILEGES as readonly unknown[]).includes(p)) ||
      new Set(privileges).size !== privileges.length
    ) {
      throw new BindingError(`${where}: "privileges" must be a non-empty array of distinct ${PRIVILEGES.join(", ")}`);
    }
    parsed[name] = { database, username, privileges: privileges as Privilege[] };
  }
  return { version: 1, strategy: strategy as RotationStrategy, secrets: parsed };
}

/** Parses and checks the value of {@link DATABASE_BINDINGS_VARIABLE}. */
export function parseDatabaseBindings(text: string | undefined): DatabaseBindings {
  const source = DATABASE_BINDINGS_VARIABLE;
  if (text === undefined || text === "") throw new BindingError(`${source} is required: the databases this function may act on`);
  const json = parseObject(text, source);
  const parsed: Record<string, DatabaseBinding> = {};
  for (const [key, value] of Object.entries(json)) {
    const where = `${source}: database ${JSON.stringify(key)}`;
    const binding = asObject(value, where);
    const engine = binding.engine;
    if (!(ENGINES as readonly unknown[]).includes(engine)) {
      throw new BindingError(`${where}: "engine" must be one of ${ENGINES.join(", ")}`);
    }
    const host = stringField(binding, "host", where);
    if (/\s/.test(host)) throw new BindingError(`${where}: "host" must not contain whitespace`);
    const port = binding.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new BindingError(`${where}: "port" must be an integer from 1 to 65535`);
    }
    const dbname = stringField(binding, "dbname", where);
    if (!IDENTIFIER_PATTERN.test(dbname)) {
      throw new BindingError(`${where}: "dbname" must consist of letters, digits and _, starting with a letter or _`);
    }
    const systemSchemas = SYSTEM_SCHEMAS[engineFamily(engine as Engine)];
    if (systemSchemas.includes(dbname.toLowerCase())) {
      throw new BindingError(
        `${where}: "dbname" ${dbname} is a system schema; allowed: an application database, not ${systemSchemas.join(", ")}`,
      );
    }
    const masterSecretArn = stringField(binding, "masterSecretArn", where);
    if (typeof binding.tls !== "boolean") throw new BindingError(`${where}: "tls" must be true or false`);
    parsed[key] = { engine: engine as Engine, host, port, dbname, masterSecretArn, tls: binding.tls };
  }
  return parsed;
}

/** The database users a secret's rotation acts on: the base user, and its clone under alternating users. */
export function boundUsernames(strategy: RotationStrategy, username: string): readonly string[] {
  return strategy === "alternating-users" ? [username, username + CLONE_SUFFIX] : [username];
}

/**
 * Checks that every secret names a known database, that its users' names fit the
 * engine (with the clone suffix under alternating users) and are not reserved, and that
 * no database user belongs to two secrets (two rotations of one user would lock each
 * other out).
 */
export function checkBindings(file: SecretBindingsFile, databases: DatabaseBindings): void {
  const owners = new Map<string, string>();
  for (const [name, secret] of Object.entries(file.secrets)) {
    const database = Object.hasOwn(databases, secret.database) ? databases[secret.database] : undefined;
    if (database === undefined) {
      throw new BindingError(
        `${SECRET_BINDINGS_FILE}: secret ${JSON.stringify(name)} names database ${JSON.stringify(secret.database)}, ` +
          `which ${DATABASE_BINDINGS_VARIABLE} does not define`,
      );
    }
    const max = MAX_USERNAME_LENGTH[database.engine] - (file.strategy === "alternating-users" ? CLONE_SUFFIX.length : 0);
    if (secret.username.length > max) {
      throw new BindingError(
        `${SECRET_BINDINGS_FILE}: secret ${JSON.stringify(name)}: "username" must be at most ${max} characters for ` +
          `${database.engine} with the ${file.strategy} strategy`,
      );
    }
    for (const username of boundUsernames(file.strategy, secret.username)) {
      if (RESERVED_USERNAME_PATTERN.test(username)) {
        throw new BindingError(
          `${SECRET_BINDINGS_FILE}: secret ${JSON.stringify(name)}: user ${username} is a reserved or system account, ` +
            "which this function never manages",
        );
      }
      const key = JSON.stringify([secret.database, username]);
      const other = owners.get(key);
      if (other !== undefined) {
        throw new BindingError(
          `${SECRET_BINDINGS_FILE}: secrets ${JSON.stringify(other)} and ${JSON.stringify(name)} both rotate user ${username} ` +
            `of database ${JSON.stringify(secret.database)}; allowed: one secret per user`,
        );
      }
      owners.set(key, name);
    }
  }
}

function parseObject(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BindingError(`${source} is not valid JSON`);
  }
  return asObject(parsed, source);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BindingError(`${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function objectField(json: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  return asObject(json[key], `${where}: "${key}"`);
}

function stringField(json: Record<string, unknown>, key: string, where: string): string {
  const value = json[key];
  if (typeof value !== "string" || value === "") throw new BindingError(`${where}: "${key}" must be a non-empty string`);
  return value;
}
