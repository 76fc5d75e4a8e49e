/**
 * The contract between the Terraform that creates a database credential secret and
 * the rotation function that fills it in. Both sides import this module, so the
 * JSON shape, the engines and the privilege names have exactly one definition.
 *
 * The JSON follows AWS's published rotation templates (`engine`, `host`, `port`,
 * `username`, `password`, `dbname`, `masterarn`, optional `ssl`), so a secret can move
 * between this function and AWS's templates after its first rotation.
 */

/** Engines the rotation function can rotate, as they appear in the secret's `engine` key. */
export const ENGINES = ["mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"] as const;
export type Engine = (typeof ENGINES)[number];

/** Wire protocol family of an engine. */
export type EngineFamily = "mysql" | "postgres";

export function engineFamily(engine: Engine): EngineFamily {
  return engine === "postgres" || engine === "aurora-postgresql" ? "postgres" : "mysql";
}

/** Rotation strategies. The function is deployed once per strategy (environment variable `ROTATION_STRATEGY`). */
export const ROTATION_STRATEGIES = ["single-user", "alternating-users"] as const;
export type RotationStrategy = (typeof ROTATION_STRATEGIES)[number];

/**
 * Table privileges that the rotation function manages for an application user on its
 * bound database (MySQL: on `dbname`.*; PostgreSQL: on all tables of schema `public`,
 * plus CONNECT on the database and USAGE on the schema): the bound ones are granted, the
 * others revoked. SQL keywords cannot be bound as parameters, so only these names are
 * accepted, on both sides.
 *
 * On PostgreSQL the same privileges also become the default privileges of the
 * connecting master user's future tables in `public`, and `INSERT` adds USAGE on the
 * schema's sequences (needed by `serial`/identity columns).
 */
export const PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;
export type Privilege = (typeof PRIVILEGES)[number];

/**
 * User names and database names that the rotation function accepts: letters, digits and
 * `_`, starting with a letter or `_`. Such names need no quoting in SQL, URLs, `.pgpass`
 * or shells, and print the same in every engine's catalog (the function still quotes them).
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Longest user name each engine accepts: MySQL 5.7+ allows 32 characters, MariaDB 10.5+
 * 80, PostgreSQL 63 (longer names are silently truncated). With the alternating-users
 * strategy the clone name (`username` + CLONE_SUFFIX) must fit too.
 */
export const MAX_USERNAME_LENGTH: Readonly<Record<Engine, number>> = {
  mysql: 32,
  "aurora-mysql": 32,
  mariadb: 80,
  postgres: 63,
  "aurora-postgresql": 63,
};

/**
 * Staging label of the version that Terraform writes: the connection metadata with no
 * password. Terraform creates it once with `AWSCURRENT` as well, so that rotation has a
 * current version to start from; rotation then moves `AWSCURRENT` away, and this custom
 * label keeps the seed version alive (Secrets Manager only deprecates versions with no
 * label), so Terraform never finds its version gone and never recreates it.
 */
export const SEED_STAGE = "TERRAFORM_SEED";

/** The database credential secret's JSON. `password` is absent until the first rotation. */
export interface DatabaseSecretValue {
  engine: Engine;
  host: string;
  port: number;
  username: string;
  password?: string;
  dbname: string;
  /** ARN of the secret holding the master (admin) credentials, e.g. the RDS-managed one. */
  masterarn?: string;
  /**
   * Connect with TLS and verify the server certificate against the CA bundle. The
   * rotation function's binding decides; a secret's `ssl` must agree with it.
   * @default true
   */
  ssl?: boolean;
  dbInstanceIdentifier?: string;
  dbClusterIdentifier?: string;
  /** The privileges the last rotation applied, from the function's binding (a record: it grants nothing). */
  privileges?: Privilege[];
}

/** Suffix of the alternate user in the alternating-users strategy (as AWS's templates do). */
export const CLONE_SUFFIX = "_clone";
