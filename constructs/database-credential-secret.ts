import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import {
  CLONE_SUFFIX,
  type DatabaseSecretValue,
  ENGINES,
  type Engine,
  IDENTIFIER_PATTERN,
  MAX_USERNAME_LENGTH,
  PRIVILEGES,
  type Privilege,
  SEED_STAGE,
} from "../shared/secret-contract";
import type { RotationFunction } from "./rotation-function";
import { SecretBase, type SecretBaseProps } from "./secret-base";
import { checkDistinctList, checkIntegerRange, checkOneOf, checkPattern, ValidationError } from "./validation";

/** When the secret rotates. */
export type RotationSchedule =
  /** Every N days, 1–1000. */
  | { readonly automaticallyAfterDays: number }
  /**
   * A `rate(<N> hours|days)` or `cron(...)` expression, and optionally the length of the
   * window in which the rotation runs, `<N>h` with N from 1 to 24.
   */
  | { readonly scheduleExpression: string; readonly duration?: string };

/** Props of {@link DatabaseCredentialSecret}. */
export interface DatabaseCredentialSecretProps extends SecretBaseProps {
  /** Engine of the database, the secret's `engine`. */
  readonly engine: Engine;
  /** Endpoint address of the database (or cluster writer), the secret's `host`. */
  readonly host: string;
  /** Port of the database, the secret's `port`. */
  readonly port: number;
  /** Name of the database the user gets privileges on, the secret's `dbname`. */
  readonly databaseName: string;
  /**
   * DB instance identifier, or DB cluster identifier for Aurora engines: the secret's
   * `dbInstanceIdentifier` or `dbClusterIdentifier`.
   */
  readonly databaseIdentifier: string;
  /** ARN of the master user's secret (the RDS-managed one), the secret's `masterarn`. */
  readonly masterSecretArn: string;
  /** The master user's name: the application user must be a different user. */
  readonly masterUsername: string;
  /**
   * The application user's name: a letter or `_`, then letters, digits or `_`; at most 32
   * characters for MySQL and Aurora MySQL, 80 for MariaDB, 63 for PostgreSQL-family
   * engines (the rotation function's limits), minus the length of `_clone` with the
   * alternating-users strategy (the clone user's name must fit too). Not the master
   * user, not reserved by RDS (`rdsadmin`, `rds_*`, `pg_*`).
   */
  readonly username: string;
  /** Privileges the first rotation grants on the database: at least one of SELECT, INSERT, UPDATE, DELETE. */
  readonly privileges: readonly Privilege[];
  /** The function that rotates the secret; its strategy is the secret's. */
  readonly rotationFunction: RotationFunction;
  /**
   * When Secrets Manager rotates: every N days (1–1000), or a `rate(N hours|days)` /
   * `cron(...)` expression with an optional window such as `3h` (1h–24h).
   * @default { automaticallyAfterDays: 30 }
   */
  readonly rotation?: RotationSchedule;
  /**
   * Resources the first rotation needs besides the function, its permissions, its egress
   * rules and the seed version: typically the database's and the Secrets Manager
   * endpoint's ingress rules from the function's security group, and the endpoint (or the
   * NAT routes). The rotation starts as soon as the schedule exists (`rotate_immediately`,
   * and again whenever the schedule changes), so it must wait for them.
   * @default []
   */
  readonly rotationDependsOn?: readonly ITerraformDependable[];
}

/** A `rate(...)` schedule expression: group 1 the number, group 2 the unit. */
export const RATE_EXPRESSION = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
const DURATION = /^(\d+)h$/;

/**
 * The credential secret of an application's database user (BRIEF decision 1).
 *
 * Terraform creates the secret and ONE seed version holding the connection metadata
 * (`engine, host, port, username, dbname, masterarn, ssl, dbInstanceIdentifier|dbClusterIdentifier,
 * privileges`) and NO password, labelled `AWSCURRENT` and `TERRAFORM_SEED`, with
 * `secret_string` and `version_stages` ignored after creation. The rotation schedule then
 * rotates at once: the first rotation creates the user with the master secret and gives
 * it its first password. Rotation moves `AWSCURRENT` away while the seed label keeps the
 * seed version alive, so later plans stay empty.
 */
export class DatabaseCredentialSecret extends SecretBase {
  /** The application user's name. */
  public readonly username: string;

  constructor(scope: Construct, id: string, props: DatabaseCredentialSecretProps) {
    checkOneOf("engine", props.engine, ENGINES);
    checkUsername(props);
    checkDistinctList("privileges", props.privileges, 1);
    props.privileges.forEach((p, i) => checkOneOf(`privileges[${i}]`, p, PRIVILEGES));
    const rotationRules = rotationRulesOf(props.rotation ?? { automaticallyAfterDays: 30 });

    super(scope, id, props);
    this.username = props.username;

    const seedValue = {
      engine: props.engine,
      host: props.host,
      port: props.port,
      username: props.username,
      dbname: props.databaseName,
      masterarn: props.masterSecretArn,
      ssl: true,
      ...(props.engine.startsWith("aurora-")
        ? { dbClusterIdentifier: props.databaseIdentifier }
        : { dbInstanceIdentifier: props.databaseIdentifier }),
      privileges: [...props.privileges],
    } satisfies DatabaseSecretValue;
    const seed = new SecretsmanagerSecretVersion(this, "SeedVersion", {
      secretId: this.secret.id,
      // jsonencode keeps host and masterarn as Terraform references.
      secretString: Fn.jsonencode(seedValue),
      versionStages: ["AWSCURRENT", SEED_STAGE],
      lifecycle: { ignoreChanges: ["secret_string", "version_stages"] },
    });

    const rotationFunction = props.rotationFunction;
    const prerequisites = rotationFunction.grantRotation({
      secretName: props.secretName,
      databaseKey: props.databaseIdentifier,
      database: {
        engine: props.engine,
        host: props.host,
        port: props.port,
        dbname: props.databaseName,
        masterSecretArn: props.masterSecretArn,
        tls: seedValue.ssl,
      },
      username: props.username,
      privileges: props.privileges,
      kmsKeyArn: props.kmsKeyArn,
    });
    // Creating the schedule starts the first rotation at once: everything it uses exists first.
    new SecretsmanagerSecretRotation(this, "Rotation", {
      secretId: this.secret.id,
      rotationLambdaArn: rotationFunction.functionArn,
      rotationRules,
      rotateImmediately: true,
      dependsOn: [seed, ...prerequisites, ...(props.rotationDependsOn ?? [])],
    });
  }
}

function checkUsername(props: DatabaseCredentialSecretProps): void {
  const engineMax = MAX_USERNAME_LENGTH[props.engine];
  const alternating = props.rotationFunction.strategy === "alternating-users";
  const maxLength = engineMax - (alternating ? CLONE_SUFFIX.length : 0);
  const why = alternating ? ` (${engineMax} minus ${CLONE_SUFFIX} of the alternating users' clone)` : "";
  checkPattern("username", props.username, IDENTIFIER_PATTERN, "a letter or _, then letters, digits or _");
  if (props.username.length > maxLength) {
    throw new ValidationError(
      "username",
      `is ${JSON.stringify(props.username)} (${props.username.length} characters); allowed: at most ${maxLength} characters for ${props.engine}${why}`,
    );
  }
  const lower = props.username.toLowerCase();
  if (lower === props.masterUsername.toLowerCase()) {
    throw new ValidationError(
      "username",
      `is the master user ${JSON.stringify(props.masterUsername)}; allowed: an application user of its own`,
    );
  }
  if (lower === "rdsadmin" || lower.startsWith("rds_") || lower.startsWith("pg_")) {
    throw new ValidationError(
      "username",
      `is ${JSON.stringify(props.username)}, reserved by RDS or the engine; allowed: a name that is not rdsadmin and does not start with rds_ or pg_`,
    );
  }
}

/** The `rotation_rules` block of a schedule, after checking it. */
function rotationRulesOf(schedule: RotationSchedule): {
  automaticallyAfterDays?: number;
  scheduleExpression?: string;
  duration?: string;
} {
  const days = "automaticallyAfterDays" in schedule ? schedule.automaticallyAfterDays : undefined;
  const expression = "scheduleExpression" in schedule ? schedule.scheduleExpression : undefined;
  const duration = "duration" in schedule ? schedule.duration : undefined;
  if ((days === undefined) === (expression === undefined)) {
    throw new ValidationError(
      "rotation",
      `sets ${days === undefined ? "neither automaticallyAfterDays nor scheduleExpression" : "both automaticallyAfterDays and scheduleExpression"}; allowed: exactly one of them`,
    );
  }
  if (days !== undefined) {
    checkIntegerRange("rotation.automaticallyAfterDays", days, 1, 1000);
    if (duration !== undefined) {
      throw new ValidationError("rotation.duration", "is set with automaticallyAfterDays; allowed: only with scheduleExpression");
    }
    return { automaticallyAfterDays: days };
  }
  checkScheduleExpression(expression as string);
  if (duration !== undefined) {
    const hours = DURATION.exec(duration)?.[1];
    if (hours === undefined || Number(hours) < 1 || Number(hours) > 24) {
      throw new ValidationError("rotation.duration", `is ${JSON.stringify(duration)}; allowed: <N>h with N from 1 to 24, e.g. 3h`);
    }
  }
  return { scheduleExpression: expression, duration };
}

function checkScheduleExpression(expression: string): void {
  const field = "rotation.scheduleExpression";
  const allowed = "rate(<N> hours) with N ≥ 4, rate(<N> days) with N from 1 to 1000, or cron(<6 fields>)";
  const rate = RATE_EXPRESSION.exec(expression);
  if (rate !== null) {
    const n = Number(rate[1]);
    const inHours = rate[2].startsWith("hour");
    if (inHours ? n < 4 : n < 1 || n > 1000) {
      throw new ValidationError(field, `is ${JSON.stringify(expression)}; allowed: ${allowed}`);
    }
    return;
  }
  if (!CRON.test(expression)) {
    throw new ValidationError(field, `is ${JSON.stringify(expression)}; allowed: ${allowed}`);
  }
}
