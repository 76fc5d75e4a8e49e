import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import type { EnvironmentConfig } from "../../environments/types";
import { ConfigurationError, validateEnvironments } from "../../environments/validate";

/**
 * Environment files as people get them wrong: typos, values of the wrong type (a boolean
 * or a number written as a string), values outside a list, mistakes nested deep or in
 * several places at once. Synth reports every problem of every environment at once, each
 * with the environment, the path, the value and what is allowed, and nothing else: each
 * case lists the exact lines.
 */

/** A deep copy of `base`, as loose data, changed by `edit`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function broken(base: EnvironmentConfig, edit: (env: any) => void): EnvironmentConfig {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

/** Renames a key of an object, as a typo does. */
function misspell(object: Record<string, unknown>, key: string, typo: string): void {
  object[typo] = object[key];
  delete object[key];
}

/** The lines of the `ConfigurationError` that validating `envs` throws; none if they are valid. */
function problems(envs: readonly unknown[]): readonly string[] {
  try {
    validateEnvironments(envs as EnvironmentConfig[]);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.lines;
    throw error;
  }
}

const SETTINGS_OF_EXISTING_NETWORK = "kind, secretsManagerAccess, vpcId, subnetIds";

const cases: [string, readonly unknown[], readonly string[]][] = [
  [
    "a boolean written as a string in prod, which also escapes no tier rule",
    [broken(prod, (e) => (e.database.multiAz = "false"))],
    ['environment "prod": database.multiAz is "false"; allowed: true or false'],
  ],
  [
    "a typo that would silently turn Performance Insights off",
    [broken(prod, (e) => misspell(e.database, "performanceInsights", "performanceInsight"))],
    ['environment "prod": database.performanceInsight is not a setting; did you mean performanceInsights?'],
  ],
  [
    "a typo that would silently drop the flow logs",
    [broken(prod, (e) => misspell(e.network, "flowLogRetentionDays", "flowLogRetentionDay"))],
    ['environment "prod": network.flowLogRetentionDay is not a setting; did you mean flowLogRetentionDays?'],
  ],
  [
    "a typo of a required setting: the setting is missing, and the typo named",
    [broken(prod, (e) => misspell(e.database, "deletionProtection", "deletionProtecton"))],
    [
      'environment "prod": database.deletionProtection is missing; allowed: true or false',
      'environment "prod": database.deletionProtecton is not a setting; did you mean deletionProtection?',
    ],
  ],
  [
    "a strategy that is not one",
    [broken(dev, (e) => (e.databaseUsers[0].strategy = "alternating"))],
    ['environment "dev": databaseUsers[0].strategy is "alternating"; allowed: "single-user", "alternating-users"'],
  ],
  [
    "a single privilege instead of a list",
    [broken(dev, (e) => (e.databaseUsers[0].privileges = "SELECT"))],
    [
      'environment "dev": databaseUsers[0].privileges is "SELECT"; allowed: a list of privileges, each one of "SELECT", "INSERT", "UPDATE", "DELETE"',
    ],
  ],
  [
    "a number written as a string",
    [broken(dev, (e) => (e.database.backupRetentionDays = "7"))],
    ['environment "dev": database.backupRetentionDays is "7"; allowed: an integer from 1 to 35'],
  ],
  [
    "a port written as a string",
    [broken(prod, (e) => (e.database.port = "3307"))],
    ['environment "prod": database.port is "3307"; allowed: an integer from 1150 to 65535'],
  ],
  [
    "a fractional number of days",
    [broken(dev, (e) => (e.database.masterPasswordRotationDays = 7.5))],
    ['environment "dev": database.masterPasswordRotationDays is 7.5; allowed: an integer from 1 to 365'],
  ],
  [
    "an engine RDS does not run",
    [broken(dev, (e) => (e.database.engine = "mysql8"))],
    [
      'environment "dev": database.engine is "mysql8"; allowed: "mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"',
    ],
  ],
  [
    "a kind of key that does not exist",
    [broken(prod, (e) => (e.encryption.kind = "kms"))],
    ['environment "prod": encryption.kind is "kms"; allowed: "aws-managed", "customer-managed", "existing"'],
  ],
  [
    "a typo in the settings of one kind of key",
    [broken(prod, (e) => misspell(e.encryption, "deletionWindowDays", "deletionWindow"))],
    ['environment "prod": encryption.deletionWindow is not a setting; did you mean deletionWindowDays?'],
  ],
  [
    "a typo deep in a user's rotation schedule",
    [broken(dev, (e) => misspell(e.databaseUsers[0].rotation, "automaticallyAfterDays", "automaticallyAfterDay"))],
    [
      'environment "dev": databaseUsers[0].rotation.automaticallyAfterDay is not a setting; did you mean automaticallyAfterDays?',
      'environment "dev": databaseUsers[0].rotation sets neither automaticallyAfterDays nor scheduleExpression; allowed: exactly one of them',
    ],
  ],
  [
    "a top-level section in the wrong case",
    [broken(dev, (e) => misspell(e, "rotationFunction", "RotationFunction"))],
    [
      'environment "dev": rotationFunction is missing; allowed: an object of settings',
      'environment "dev": RotationFunction is not a setting; did you mean rotationFunction?',
    ],
  ],
  [
    "a setting of another kind of network",
    [
      broken(dev, (e) => {
        e.network.kind = "existing";
      }),
    ],
    [
      'environment "dev": network.vpcId is missing; allowed: a VPC ID, vpc-<8 to 17 hex digits>',
      'environment "dev": network.subnetIds is missing; allowed: a list of subnet IDs',
      `environment "dev": network.cidrBlock is not a setting; allowed: ${SETTINGS_OF_EXISTING_NETWORK}`,
      `environment "dev": network.availabilityZoneIds is not a setting; allowed: ${SETTINGS_OF_EXISTING_NETWORK}`,
      `environment "dev": network.endpointZoneCount is not a setting; allowed: ${SETTINGS_OF_EXISTING_NETWORK}`,
      `environment "dev": network.flowLogRetentionDays is not a setting; allowed: ${SETTINGS_OF_EXISTING_NETWORK}`,
    ],
  ],
  [
    "a setting the stack wires itself",
    [broken(dev, (e) => (e.keyValueSecrets[0].kmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/mrk-0123"))],
    [
      'environment "dev": keyValueSecrets[0].kmsKeyArn is not a setting; allowed: secretName, description, keys, replicaRegions, replicaKmsKeyArns, readerRoleArns, rotation, recoveryWindowDays, readerRoleNames',
    ],
  ],
  [
    "a list where an object of tags belongs",
    [broken(dev, (e) => (e.tags = ["secrets-rotation"]))],
    ['environment "dev": tags is ["secrets-rotation"]; allowed: an object of tag names and values'],
  ],
  [
    "zones of another region than the environment's",
    [broken(dev, (e) => (e.network.availabilityZoneIds = ["euw1-az1", "euw1-az2"]))],
    [
      'environment "dev": network.availabilityZoneIds[0] is "euw1-az1"; allowed: a zone ID of region us-east-1, such as use1-az1',
      'environment "dev": network.availabilityZoneIds[1] is "euw1-az2"; allowed: a zone ID of region us-east-1, such as use1-az1',
    ],
  ],
  [
    "two secrets rotating one user",
    [broken(dev, (e) => e.databaseUsers.push({ ...e.databaseUsers[0], secretName: "tutorials/other" }))],
    [
      'environment "dev": databaseUsers[1].username is "appuser", the user of databaseUsers[0]; allowed: a user no other database user\'s secret rotates',
    ],
  ],
  [
    "a user that is another's alternating clone",
    [
      broken(dev, (e) =>
        e.databaseUsers.push({
          ...e.databaseUsers[0],
          secretName: "tutorials/clone",
          username: "appuser_clone",
          strategy: "single-user",
        }),
      ),
    ],
    [
      'environment "dev": databaseUsers[1].username is "appuser_clone", the clone of databaseUsers[0]; allowed: a user no other database user\'s secret rotates',
    ],
  ],
  [
    "a user name too long for the engine once the clone's suffix is added",
    [broken(dev, (e) => (e.databaseUsers[0].username = "a".repeat(27)))],
    [
      `environment "dev": databaseUsers[0].username is "${"a".repeat(27)}" (27 characters); allowed: at most 26 characters for mysql (32 minus _clone of the alternating users' clone)`,
    ],
  ],
  [
    "user names the rotation function would refuse in its binding, which would stop it for every secret",
    [
      broken(dev, (e) => {
        e.databaseUsers.push({ ...e.databaseUsers[0], secretName: "tutorials/root", username: "root" });
        e.databaseUsers[0].username = "pg";
      }),
    ],
    [
      'environment "dev": databaseUsers[0].username is "pg", whose clone "pg_clone" is a reserved or system account, which the ' +
        "rotation function never manages; allowed: a name other than root, rdsadmin, rdsrepladmin and postgres, not starting " +
        "with rds_, pg_ or azure_",
      'environment "dev": databaseUsers[1].username is "root", a reserved or system account, which the rotation function never ' +
        "manages; allowed: a name other than root, rdsadmin, rdsrepladmin and postgres, not starting with rds_, pg_ or azure_",
    ],
  ],
  [
    "an unknown engine, and no message about the versions it would take",
    [
      broken(dev, (e) => {
        e.database.engine = "oracle-ee";
        e.database.engineVersion = "19";
      }),
    ],
    [
      'environment "dev": database.engine is "oracle-ee"; allowed: "mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"',
    ],
  ],
  [
    "every shortcut the production tier refuses, at once",
    [
      broken(prod, (e) => {
        e.database.finalSnapshot = false;
        e.database.backupRetentionDays = 1;
        e.keyValueSecrets[0].recoveryWindowDays = 0;
      }),
    ],
    [
      'environment "prod": database.finalSnapshot is false, which the production tier refuses; allowed: true',
      'environment "prod": database.backupRetentionDays is 1, which the production tier refuses; allowed: 7 to 35',
      'environment "prod": keyValueSecrets[0].recoveryWindowDays is 0, which the production tier refuses; allowed: 7 to 30',
    ],
  ],
  [
    "several problems across two environments",
    [
      broken(dev, (e) => {
        e.region = "us-east";
        e.databaseUsers[0].rotation = { automaticallyAfterDays: "30" };
      }),
      broken(prod, (e) => {
        e.name = "dev";
        misspell(e.rotationFunction, "logRetentionDays", "logRetention");
      }),
    ],
    [
      'environment "dev": region is "us-east"; allowed: an AWS region name such as us-east-1',
      'environment "dev": databaseUsers[0].rotation.automaticallyAfterDays is "30"; allowed: an integer from 1 to 1000',
      'environment "dev": name is used by another environment; allowed: a name no other environment uses',
      'environment "dev": rotationFunction.logRetentionDays is missing; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      'environment "dev": rotationFunction.logRetention is not a setting; did you mean logRetentionDays?',
    ],
  ],
  [
    "secrets a rotation function's role would reach by name pattern without rotating them, with the other problems",
    [
      broken(dev, (e) => {
        const user = e.databaseUsers[0];
        e.rotationFunction.runtime = "nodejs20.x";
        e.databaseUsers.push(
          { ...user, secretName: "tutorials/monitoring", username: "monitoring" },
          { ...user, secretName: "tutorials/reporting", username: "reporting" },
          { ...user, secretName: "tutorials/mytestdatabaseinstance/reports", username: "reports", strategy: "single-user" },
        );
      }),
      broken(prod, (e) => (e.database.multiAz = false)),
    ],
    [
      'environment "dev": rotationFunction.runtime is "nodejs20.x"; allowed: "nodejs22.x", "nodejs24.x"',
      'environment "dev": keyValueSecrets[0].secretName is "tutorials/MyFirstTutorialSecret", which the ARN pattern "tutorials/*" ' +
        "of rotation function dev-rotate-alternating-users reaches; allowed: a name outside the name paths and name starts of " +
        "the secrets that function rotates",
      'environment "dev": databaseUsers[3].secretName is "tutorials/mytestdatabaseinstance/reports", which the ARN pattern ' +
        '"tutorials/*" of rotation function dev-rotate-alternating-users reaches; allowed: a name outside the name paths and ' +
        "name starts of the secrets that function rotates",
      'environment "prod": database.multiAz is false, which the production tier refuses; allowed: true',
    ],
  ],
  [
    "an environment that is not an object",
    [dev, 42],
    ["environments[1] is 42; allowed: an object of settings"],
  ],
];

describe("strict synth: every problem of every environment, at once, each with its exact message", () => {
  test.each(cases)("%s", (_name, envs, lines) => {
    expect(problems(envs)).toEqual(lines);
  });

  test("the environments of the app have no problem", () => {
    expect(problems([dev, prod])).toEqual([]);
  });
});
