import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { type DatabaseSecretValue, ENGINES, SEED_STAGE } from "../shared/secret-contract";
import { applicationUsernameProblem, identifierKeyOf } from "./database-engines";
import { RotationFunction, RotationTargetSchema } from "./rotation-function";
import { RotationScheduleSchema } from "./rotation-schedule";
import { SecretBase, SecretBasePropsSchema } from "./secret-base";
import { anyString, integer, oneOf } from "./field-schemas";
import { settings } from "./settings-schema";
import { allowed, parseProps } from "./validation";

/** Props of {@link DatabaseCredentialSecret}. */
export const DatabaseCredentialSecretPropsSchema = settings(
  {
    ...SecretBasePropsSchema.entries,
    /** Engine of the database, the secret's `engine`. */
    engine: oneOf(ENGINES),
    /** Endpoint address of the database (or cluster writer), the secret's `host`. */
    host: anyString("a host name"),
    /** Port of the database, the secret's `port`. */
    port: integer(1, 65535, { tokens: true }),
    /** Name of the database the user gets privileges on, the secret's `dbname`. */
    databaseName: anyString("a database name"),
    /**
     * DB instance identifier, or DB cluster identifier for Aurora engines: the secret's
     * `dbInstanceIdentifier` or `dbClusterIdentifier`.
     */
    databaseIdentifier: anyString("a DB instance or cluster identifier"),
    /** ARN of the master user's secret (the RDS-managed one), the secret's `masterarn`. */
    masterSecretArn: anyString("a secret ARN"),
    /** The master user's name: the application user must be a different user. */
    masterUsername: anyString("a user name"),
    /**
     * The application user's name: a letter or `_`, then letters, digits or `_`; at most 32
     * characters for MySQL and Aurora MySQL, 80 for MariaDB, 63 for PostgreSQL-family
     * engines (the rotation function's limits), minus the length of `_clone` with the
     * alternating-users strategy (the clone user's name must fit too). Neither it nor its
     * clone the master user or an account the rotation function never manages (`root`,
     * `rdsadmin`, `rdsrepladmin`, `postgres`, `rds_*`, `pg_*`, `azure_*`).
     */
    username: anyString("a user name"),
    /** Privileges the first rotation grants on the database: at least one of SELECT, INSERT, UPDATE, DELETE. */
    privileges: RotationTargetSchema.entries.privileges,
    /** The function that rotates the secret; its strategy is the secret's. */
    rotationFunction: v.instance(RotationFunction, allowed("a RotationFunction")),
    /**
     * When Secrets Manager rotates: every N days (1–1000), or a `rate(N hours|days)` /
     * `cron(...)` expression with an optional window such as `3h` (1h–24h).
     * @default { automaticallyAfterDays: 30 }
     */
    rotation: v.optional(RotationScheduleSchema, { automaticallyAfterDays: 30 }),
    /**
     * Resources the first rotation needs besides the function, its permissions, its egress
     * rules and the seed version: typically the database's and the Secrets Manager
     * endpoint's ingress rules from the function's security group, and the endpoint (or the
     * NAT routes). The rotation starts as soon as the schedule exists (`rotate_immediately`,
     * and again whenever the schedule changes), so it must wait for them.
     * @default []
     */
    rotationDependsOn: v.optional(
      v.array(
        v.custom<ITerraformDependable>(
          (value) => typeof value === "object" && value !== null && "fqn" in value,
          allowed("a Terraform resource"),
        ),
        allowed("a list of Terraform resources"),
      ),
      [],
    ),
  },
  [
    {
      fields: ["engine", "username", "masterUsername", "rotationFunction"],
      check: ({ engine, username, masterUsername, rotationFunction }, report) => {
        const { strategy } = rotationFunction;
        const problem = applicationUsernameProblem({ username, engine, masterUsername, strategy });
        if (problem !== undefined) report(["username"], problem);
      },
    },
  ],
);

/** Props of {@link DatabaseCredentialSecret}. */
export type DatabaseCredentialSecretProps = v.InferInput<typeof DatabaseCredentialSecretPropsSchema>;

/**
 * The credential secret of an application's database user.
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

  constructor(scope: Construct, id: string, secretProps: DatabaseCredentialSecretProps) {
    const props = parseProps(DatabaseCredentialSecretPropsSchema, secretProps);
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
      [identifierKeyOf(props.engine)]: props.databaseIdentifier,
      privileges: props.privileges,
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
      rotationRules: props.rotation,
      rotateImmediately: true,
      dependsOn: [seed, ...prerequisites, ...props.rotationDependsOn],
    });
  }
}
