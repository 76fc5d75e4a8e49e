import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildApp } from "../../main";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import type { EnvironmentConfig } from "../../environments/types";
import { ConfigurationError, validateEnvironments } from "../../environments/validate";
import type { RotationBundle } from "../../constructs/rotation-bundle";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";

let bundle: RotationBundle;
let outdir: string;
beforeAll(async () => {
  bundle = await ensureRotationBundle();
  outdir = mkdtempSync(path.join(tmpdir(), "invalid-"));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

type Mutable<T> =
  T extends ReadonlyArray<infer U> ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

/** A deep copy of `base` changed by `edit`. */
function variant(base: EnvironmentConfig, edit: (env: Mutable<EnvironmentConfig>) => void): EnvironmentConfig {
  const copy = structuredClone(base) as Mutable<EnvironmentConfig>;
  edit(copy);
  return copy as EnvironmentConfig;
}

/** dev, its key/value secret rotated by the function `functionArn` every 30 days. */
function rotatedBy(functionArn: string): EnvironmentConfig {
  return variant(dev, (e) => (e.keyValueSecrets![0].rotation = { kind: "function", functionArn, automaticallyAfterDays: 30 }));
}

function build(envs: EnvironmentConfig[]): void {
  // Construction only: every check runs before synth writes anything.
  buildApp({ environments: envs, bundle, outdir });
}

// Each case: one invalid setting, and the single message synth fails with. Every
// message names the environment, the field and what is allowed.
const cases: [string, EnvironmentConfig, string][] = [
  [
    "recovery window of 3 days",
    variant(dev, (e) => (e.keyValueSecrets![0].recoveryWindowDays = 3)),
    'environment "dev": keyValueSecrets[0].recoveryWindowDays is 3; allowed: 0 (no recovery) or an integer from 7 to 30',
  ],
  [
    "recovery window over 30 days",
    variant(dev, (e) => (e.databaseUsers[0].recoveryWindowDays = 31)),
    'environment "dev": databaseUsers[0].recoveryWindowDays is 31; allowed: 0 (no recovery) or an integer from 7 to 30',
  ],
  [
    "rotation every 0 days",
    variant(dev, (e) => (e.databaseUsers[0].rotation = { automaticallyAfterDays: 0 })),
    'environment "dev": databaseUsers[0].rotation.automaticallyAfterDays is 0; allowed: an integer from 1 to 1000',
  ],
  [
    "rotation every 1001 days",
    variant(dev, (e) => (e.databaseUsers[0].rotation = { automaticallyAfterDays: 1001 })),
    'environment "dev": databaseUsers[0].rotation.automaticallyAfterDays is 1001; allowed: an integer from 1 to 1000',
  ],
  [
    "both a schedule expression and a number of days",
    variant(
      dev,
      (e) =>
        (e.databaseUsers[0].rotation = { automaticallyAfterDays: 30, scheduleExpression: "rate(10 days)" } as never),
    ),
    'environment "dev": databaseUsers[0].rotation sets both automaticallyAfterDays and scheduleExpression; allowed: exactly one of them',
  ],
  [
    "a malformed schedule expression",
    variant(dev, (e) => (e.databaseUsers[0].rotation = { scheduleExpression: "every tuesday" })),
    'environment "dev": databaseUsers[0].rotation.scheduleExpression is "every tuesday"; allowed: rate(<N> hours) with N ≥ 4, rate(<N> days) with N from 1 to 1000, or cron(<6 fields>)',
  ],
  [
    "a single availability zone",
    variant(dev, (e) => {
      if (e.network.kind === "new") e.network.availabilityZoneIds = ["use1-az1"];
    }),
    'environment "dev": network.availabilityZoneIds has 1 item(s); allowed: at least 2',
  ],
  [
    "a zone of another region",
    variant(dev, (e) => {
      if (e.network.kind === "new") e.network.availabilityZoneIds = ["use1-az1", "euw1-az2"];
    }),
    'environment "dev": network.availabilityZoneIds[1] is "euw1-az2"; allowed: a zone of the region of availabilityZoneIds[0], use1-az<N>',
  ],
  [
    "the zone names of before, which map to other zones in each account",
    variant(dev, (e) => {
      if (e.network.kind === "new") e.network.availabilityZoneIds = ["use1-az1", "us-east-1b"];
    }),
    'environment "dev": network.availabilityZoneIds[1] is "us-east-1b", a zone name, which each account maps to a zone of its own; ' +
      "allowed: an availability zone ID such as use1-az1 (aws ec2 describe-availability-zones lists each zone's ID)",
  ],
  [
    "us-east-1's zone without Graviton instances or Lambda",
    variant(prod, (e) => {
      if (e.network.kind === "new") e.network.availabilityZoneIds = ["use1-az1", "use1-az2", "use1-az3"];
    }),
    'environment "prod": network.availabilityZoneIds[2] is "use1-az3", which takes no Graviton DB instance and no Lambda function in a VPC; ' +
      "allowed: another zone of its region",
  ],
  [
    "an invalid VPC CIDR",
    variant(dev, (e) => {
      if (e.network.kind === "new") e.network.cidrBlock = "10.0.0.0/8";
    }),
    'environment "dev": network.cidrBlock is "10.0.0.0/8"; allowed: an IPv4 CIDR with a prefix length from 16 to 24, e.g. 10.0.0.0/16',
  ],
  [
    "more endpoint zones than zones",
    variant(dev, (e) => {
      if (e.network.kind === "new") e.network.endpointZoneCount = 3;
    }),
    'environment "dev": network.endpointZoneCount is 3; allowed: an integer from 1 to 2',
  ],
  [
    "an unknown engine",
    variant(dev, (e) => (e.database.engine = "oracle-ee" as never)),
    'environment "dev": database.engine is "oracle-ee"; allowed: "mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"',
  ],
  [
    "a PostgreSQL version with MySQL",
    variant(dev, (e) => (e.database.engineVersion = "15.4")),
    'environment "dev": database.engineVersion is "15.4"; allowed for mysql: a major version ("8.4", "8.0") or a minor version of one, such as "8.4.7"',
  ],
  [
    "MySQL 8.0, past RDS standard support, without Extended Support",
    variant(prod, (e) => (e.database.engineVersion = "8.0")),
    'environment "prod": database.engineVersion is "8.0", past RDS standard support since 2026-07-31: RDS creates it only under ' +
      'paid Extended Support; allowed for mysql: a major in standard support ("8.4"), or extendedSupport true',
  ],
  [
    "Extended Support for MariaDB",
    variant(dev, (e) => (e.database = { ...e.database, engine: "mariadb", engineVersion: "10.11", extendedSupport: true })),
    'environment "dev": database.extendedSupport is true; allowed for mariadb: false (RDS has no Extended Support for mariadb)',
  ],
  [
    "a misspelt instance class",
    variant(dev, (e) => (e.database.instanceClass = "db.t4g.mirco")),
    'environment "dev": database.instanceClass is "db.t4g.mirco"; allowed: a size of db.t4g: micro, small, medium, large, xlarge, 2xlarge; did you mean "db.t4g.micro"?',
  ],
  [
    "backup retention of 40 days",
    variant(dev, (e) => (e.database.backupRetentionDays = 40)),
    'environment "dev": database.backupRetentionDays is 40; allowed: an integer from 1 to 35',
  ],
  [
    "an enhanced monitoring interval RDS does not offer",
    variant(dev, (e) => (e.database.monitoringIntervalSeconds = 7 as never)),
    'environment "dev": database.monitoringIntervalSeconds is 7; allowed: 0, 1, 5, 10, 15, 30, 60',
  ],
  [
    "a log export the engine does not have",
    variant(dev, (e) => (e.database.logExports = ["postgresql"])),
    'environment "dev": database.logExports[0] is "postgresql"; allowed: "audit", "error", "general", "slowquery"',
  ],
  [
    "prod without deletion protection",
    variant(prod, (e) => (e.database.deletionProtection = false)),
    'environment "prod": database.deletionProtection is false, which the production tier refuses; allowed: true',
  ],
  [
    "prod on the AWS-managed key",
    variant(prod, (e) => (e.encryption = { kind: "aws-managed" })),
    'environment "prod": encryption.kind is "aws-managed", which the production tier refuses; allowed: "customer-managed" or "existing"',
  ],
  [
    "prod with a single-AZ database",
    variant(prod, (e) => (e.database.multiAz = false)),
    'environment "prod": database.multiAz is false, which the production tier refuses; allowed: true',
  ],
  [
    "prod with a key/value secret neither rotated nor saying why",
    variant(prod, (e) => delete e.keyValueSecrets![0].rotation),
    'environment "prod": keyValueSecrets[0].rotation is missing, which the production tier refuses; allowed: a function that rotates it ' +
      '({ kind: "function", functionArn, automaticallyAfterDays }) or why not ({ kind: "none", reason })',
  ],
  [
    "a key/value secret's rotation function in another region",
    rotatedBy("arn:aws:lambda:eu-west-1:111122223333:function:tutorial-rotation"),
    'environment "dev": keyValueSecrets[0].rotation.functionArn is a function of eu-west-1; allowed: a function of us-east-1, the environment\'s region',
  ],
  [
    "a key/value secret given the database users' rotation function",
    rotatedBy("arn:aws:lambda:us-east-1:111122223333:function:dev-rotate-alternating-users"),
    'environment "dev": keyValueSecrets[0].rotation.functionArn is the ARN of dev-rotate-alternating-users, this environment\'s ' +
      "rotation function for database users, which refuses any other secret; allowed: a function that rotates this secret",
  ],
  [
    "a secret name with illegal characters",
    variant(dev, (e) => (e.keyValueSecrets![0].secretName = "tutorials/My First Secret!")),
    'environment "dev": keyValueSecrets[0].secretName is "tutorials/My First Secret!"; allowed: 1 to 512 letters, digits or /_+=.@-',
  ],
  [
    "two secrets with one name",
    variant(dev, (e) => (e.databaseUsers[0].secretName = e.keyValueSecrets![0].secretName)),
    'environment "dev": databaseUsers[0].secretName is "tutorials/MyFirstTutorialSecret", the name of keyValueSecrets[0]; allowed: a name no other secret of the environment has',
  ],
  [
    "the master user as application user",
    variant(dev, (e) => (e.databaseUsers[0].username = "adminuser")),
    'environment "dev": databaseUsers[0].username is the master user "adminuser"; allowed: an application user of its own',
  ],
  [
    "a privilege outside the allowed list",
    variant(dev, (e) => (e.databaseUsers[0].privileges = ["SELECT", "DROP" as never])),
    'environment "dev": databaseUsers[0].privileges[1] is "DROP"; allowed: "SELECT", "INSERT", "UPDATE", "DELETE"',
  ],
  [
    "a password length under 16",
    variant(dev, (e) => (e.rotationFunction.passwordLength = 8)),
    'environment "dev": rotationFunction.passwordLength is 8; allowed: an integer from 16 to 128',
  ],
  [
    "a function timeout over 15 minutes",
    variant(dev, (e) => (e.rotationFunction.timeoutSeconds = 1000)),
    'environment "dev": rotationFunction.timeoutSeconds is 1000; allowed: an integer from 10 to 900',
  ],
  [
    "a log retention CloudWatch Logs does not accept",
    variant(dev, (e) => (e.rotationFunction.logRetentionDays = 8 as never)),
    'environment "dev": rotationFunction.logRetentionDays is 8; allowed: 1, 3, 5, 7, 14, 30',
  ],
  [
    "a Node.js runtime older than 22",
    variant(dev, (e) => (e.rotationFunction.runtime = "nodejs20.x" as never)),
    'environment "dev": rotationFunction.runtime is "nodejs20.x"; allowed: "nodejs22.x", "nodejs24.x"',
  ],
  [
    "a user secret that another strategy's function would reach by name",
    variant(dev, (e) => {
      const user = e.databaseUsers[0];
      e.databaseUsers.push(
        { ...user, secretName: "tutorials/mytestdatabaseinstance/appuser2", username: "appuser2" },
        { ...user, secretName: "tutorials/mytestdatabaseinstance/appuser3", username: "appuser3", strategy: "single-user" },
      );
    }),
    'environment "dev": databaseUsers[2].secretName is "tutorials/mytestdatabaseinstance/appuser3", which the ARN pattern ' +
      '"tutorials/mytestdatabaseinstance/appuser*" of rotation function dev-rotate-alternating-users reaches; ' +
      "allowed: a name outside the name paths and name starts of the secrets that function rotates",
  ],
  [
    "a user secret that widens its function's reach over a key/value secret",
    variant(dev, (e) => {
      const user = e.databaseUsers[0];
      e.databaseUsers.push(
        { ...user, secretName: "tutorials/monitoring", username: "monitoring" },
        { ...user, secretName: "tutorials/reporting", username: "reporting" },
      );
    }),
    'environment "dev": keyValueSecrets[0].secretName is "tutorials/MyFirstTutorialSecret", which the ARN pattern "tutorials/*" ' +
      "of rotation function dev-rotate-alternating-users reaches; allowed: a name outside the name paths and name starts of " +
      "the secrets that function rotates",
  ],
  [
    "an existing key given by alias",
    variant(dev, (e) => (e.encryption = { kind: "existing", keyArn: "alias/aws/secretsmanager" })),
    'environment "dev": encryption.keyArn is "alias/aws/secretsmanager"; allowed: a KMS key ARN',
  ],
  [
    "a KMS key deletion window of 5 days",
    variant(prod, (e) => (e.encryption = { kind: "customer-managed", deletionWindowDays: 5 })),
    'environment "prod": encryption.deletionWindowDays is 5; allowed: an integer from 7 to 30',
  ],
  [
    "a malformed region",
    variant(dev, (e) => (e.region = "us-east")),
    'environment "dev": region is "us-east"; allowed: an AWS region name such as us-east-1',
  ],
  [
    "an environment name with capitals",
    variant(dev, (e) => (e.name = "Dev")),
    'environment "Dev": name is "Dev"; allowed: 1–20 lower-case letters, digits or \'-\', starting with a letter',
  ],
  [
    "an account ID that is not 12 digits",
    variant(prod, (e) => (e.allowedAccountIds = ["11112222333"])),
    'environment "prod": allowedAccountIds[0] is "11112222333"; allowed: a 12-digit AWS account ID, as a string such as "111122223333"',
  ],
  [
    "an account ID written as a number",
    variant(prod, (e) => (e.allowedAccountIds = [111122223333 as never])),
    'environment "prod": allowedAccountIds[0] is 111122223333; allowed: a 12-digit AWS account ID, as a string such as "111122223333"',
  ],
  [
    "a user's ARN as the role to assume",
    variant(prod, (e) => (e.assumeRoleArn = "arn:aws:iam::111122223333:user/deployer")),
    'environment "prod": assumeRoleArn is "arn:aws:iam::111122223333:user/deployer"; allowed: an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/<name>',
  ],
  [
    "a role of an account the environment is not pinned to",
    variant(prod, (e) => (e.assumeRoleArn = "arn:aws:iam::444455556666:role/secrets-rotation-deployer")),
    'environment "prod": assumeRoleArn is "arn:aws:iam::444455556666:role/secrets-rotation-deployer", a role of account 444455556666; allowed: a role of an account in allowedAccountIds (111122223333)',
  ],
  [
    "prod pinned to no account",
    variant(prod, (e) => delete e.allowedAccountIds),
    'environment "prod": allowedAccountIds is missing, which the production tier refuses; allowed: the 12-digit IDs of the accounts it deploys to',
  ],
  [
    "prod keeping its state in a local file without saying so",
    variant(prod, (e) => (e.backend = { kind: "local" })),
    'environment "prod": backend is {"kind":"local","acceptLocalStateInProduction":false}, which the production tier refuses; ' +
      'allowed: { kind: "cloud" } (Terraform Cloud), or local state accepted explicitly, { kind: "local", acceptLocalStateInProduction: true }',
  ],
  [
    "Terraform Cloud without an organization",
    variant(dev, (e) => (e.backend = { kind: "cloud", workspace: "dev" })),
    'environment "dev": backend.organization is not set; allowed: a Terraform Cloud organization name, in the config or TFC_ORGANIZATION',
  ],
];

describe("invalid configuration fails synth with one message naming environment, field and allowed values", () => {
  const saved = process.env.TFC_ORGANIZATION;
  beforeAll(() => delete process.env.TFC_ORGANIZATION);
  afterAll(() => {
    if (saved !== undefined) process.env.TFC_ORGANIZATION = saved;
  });

  test.each(cases)("%s", (_name, env, message) => {
    let lines: readonly string[] = [];
    try {
      build([env]);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      lines = error.lines;
    }
    expect(lines).toEqual([expect.stringContaining(message)]);
  });

  test("the valid environments build", () => {
    expect(() => build([dev, prod])).not.toThrow();
  });

  test("a stack's own validations still fail synth (only cdktf's look for a terraform binary is left out)", () => {
    const app = buildApp({ environments: [prod], bundle, outdir });
    app.node.findChild("prod").node.findChild("Database").node.addValidation({ validate: () => ["found at synth"] });
    expect(() => app.synth()).toThrow("[prod/Database] found at synth");
  });

  test("prod may keep its state in a local file when it says so", () => {
    expect(() => build([variant(prod, (e) => (e.backend = { kind: "local", acceptLocalStateInProduction: true }))])).not.toThrow();
  });

  test("two environments with one name", () => {
    expect(() => validateEnvironments([dev, { ...prod, name: "dev" }])).toThrow(
      'environment "dev": name is used by another environment; allowed: a name no other environment uses',
    );
  });

  test("no environment at all", () => {
    expect(() => validateEnvironments([])).toThrow(new ConfigurationError(["no environments: pass at least one EnvironmentConfig"]));
  });
});

/** The lines of the `ConfigurationError` that building `envs` fails with, or none. */
function problemLines(envs: EnvironmentConfig[]): readonly string[] {
  try {
    build(envs);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.lines;
  }
  return [];
}

describe("two environments that may share an account fail synth on each name they share, from the names their stacks create", () => {
  const [ACCOUNT_A, ACCOUNT_B] = ["111122223333", "444455556666"];
  /** dev's names again, under an environment name of its own. */
  const staging = variant(dev, (e) => (e.name = "staging"));
  const regional = (address: string, kind: string, name: string) =>
    `environment "staging": ${address} names the ${kind} "${name}", as ${address} of environment "dev" does, in what may be ` +
    "the same account and region (us-east-1); allowed: a name of its own, or the two environments pinned to different accounts (allowedAccountIds)";
  const dubbed = [
    regional("aws_cloudwatch_log_group.database_log_group_error", "log group", "/aws/rds/instance/mytestdatabaseinstance/error"),
    regional("aws_security_group.database", "security group", "mytestdatabaseinstance-database"),
    regional("aws_db_subnet_group.database", "DB subnet group", "mytestdatabaseinstance"),
    regional("aws_db_instance.database", "DB instance", "mytestdatabaseinstance"),
    regional("aws_secretsmanager_secret.key_value_secret_0", "secret", "tutorials/MyFirstTutorialSecret"),
    regional("aws_secretsmanager_secret.database_user_secret_0", "secret", "tutorials/mytestdatabaseinstance/appuser"),
  ];

  test("neither pinned to an account", () => {
    expect(problemLines([dev, staging])).toEqual(dubbed);
  });

  test("pinned to accounts that overlap", () => {
    const devInA = variant(dev, (e) => (e.allowedAccountIds = [ACCOUNT_A]));
    const stagingInBOrA = variant(staging, (e) => (e.allowedAccountIds = [ACCOUNT_B, ACCOUNT_A]));
    expect(problemLines([devInA, stagingInBOrA])).toEqual(dubbed);
  });

  test("pinned to different accounts, directly or by the role each assumes, they may share names", () => {
    const devInA = variant(dev, (e) => (e.allowedAccountIds = [ACCOUNT_A]));
    expect(problemLines([devInA, variant(staging, (e) => (e.allowedAccountIds = [ACCOUNT_B]))])).toEqual([]);
    expect(problemLines([devInA, variant(staging, (e) => (e.assumeRoleArn = `arn:aws:iam::${ACCOUNT_B}:role/deployer`))])).toEqual([]);
  });

  test("in another region, only the names IAM keeps per account and the Terraform Cloud workspace collide", () => {
    const prodEu = variant(prod, (e) => {
      e.name = "prod-eu";
      e.region = "eu-west-1";
      if (e.network.kind === "new") e.network.availabilityZoneIds = ["euw1-az1", "euw1-az2", "euw1-az3"];
    });
    expect(problemLines([prod, prodEu])).toEqual([
      'environment "prod-eu": aws_iam_role.database_monitoring_role names the IAM role "prod-app-db-rds-monitoring", as ' +
        'aws_iam_role.database_monitoring_role of environment "prod" does, in what may be the same account; allowed: a name ' +
        "of its own, or the two environments pinned to different accounts (allowedAccountIds)",
      'environment "prod-eu": terraform.cloud names the Terraform Cloud workspace "app.terraform.io/example-org/secrets-rotation-prod", ' +
        'as terraform.cloud of environment "prod" does; allowed: a name of its own',
    ]);
  });
});
