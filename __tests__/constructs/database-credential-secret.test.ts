import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { type TerraformStack, Testing, Token } from "cdktf";
import {
  DatabaseCredentialSecret,
  type DatabaseCredentialSecretProps,
} from "../../constructs/database-credential-secret";
import { KeyValueSecret } from "../../constructs/key-value-secret";
import { RotationFunction } from "../../constructs/rotation-function";
import type { RotationStrategy } from "../../shared/secret-contract";
import { allKeys, KEY_ARN, rotationFunction, rotationFunctionProps, type TestBundle, writeTestBundle } from "./rotation-fixtures";
import {
  onlyResource,
  referenceTo,
  resources,
  statementsOf,
  type Synthesized,
  synthesize,
  testStack,
} from "./test-stack";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-0a1b2c3d-4e5f-AbCdEf";

let bundle: TestBundle;
beforeAll(() => {
  bundle = writeTestBundle();
});
afterAll(() => bundle.remove());

function props(fn: RotationFunction, overrides: Partial<DatabaseCredentialSecretProps> = {}): DatabaseCredentialSecretProps {
  return {
    secretName: "tutorials/mytestdatabaseinstance/appuser",
    description: "Credentials of the tutorial application's database user",
    engine: "mysql",
    host: "mytestdatabaseinstance.abcdefghijkl.us-east-1.rds.amazonaws.com",
    port: 3306,
    databaseName: "tutorial",
    databaseIdentifier: "mytestdatabaseinstance",
    masterSecretArn: MASTER_ARN,
    masterUsername: "adminuser",
    username: "appuser",
    privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
    rotationFunction: fn,
    recoveryWindowDays: 7,
    ...overrides,
  };
}

function build(
  overrides: Partial<DatabaseCredentialSecretProps> = {},
  strategy: RotationStrategy = "alternating-users",
): { stack: TerraformStack; secret: DatabaseCredentialSecret } {
  const stack = testStack();
  const fn = rotationFunction(stack, bundle, { strategy });
  return { stack, secret: new DatabaseCredentialSecret(stack, "AppUser", props(fn, overrides)) };
}

function synth(overrides: Partial<DatabaseCredentialSecretProps> = {}): Synthesized {
  return synthesize(build(overrides).stack);
}

/**
 * The keys and literal values of the seed's `jsonencode({...})` expression. References
 * (unquoted HCL) are returned as their expression text.
 */
function seedObject(secretString: string): Record<string, string> {
  const body = /^\$\{jsonencode\(\{(.*)\}\)\}$/.exec(secretString)?.[1];
  expect(body).toBeDefined();
  const entries = (body ?? "").split(/, (?="\w+" = )/).map((entry) => {
    const [, key, value] = /^"(\w+)" = (.*)$/.exec(entry) ?? [];
    return [key, value];
  });
  return Object.fromEntries(entries);
}

describe("DatabaseCredentialSecret", () => {
  test("creates the secret with the name, description, recovery window and the AWS-managed key by default", () => {
    const { synthesized, json } = synth();
    expect(synthesized).not.toHaveResourceWithProperties(SecretsmanagerSecret, { kms_key_id: expect.anything() });
    expect(onlyResource(json, "aws_secretsmanager_secret")).toEqual({
      name: "tutorials/mytestdatabaseinstance/appuser",
      description: "Credentials of the tutorial application's database user",
      recovery_window_in_days: 7,
    });
  });

  test("encrypts the secret with the customer-managed key when given", () => {
    expect(synth({ kmsKeyArn: KEY_ARN }).synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "tutorials/mytestdatabaseinstance/appuser",
      kms_key_id: KEY_ARN,
    });
  });

  describe("the seed version", () => {
    test("holds the connection metadata with ssl and the privileges, and no password", () => {
      const seed = onlyResource(synth().json, "aws_secretsmanager_secret_version");
      expect(seedObject(seed.secret_string)).toEqual({
        engine: '"mysql"',
        host: '"mytestdatabaseinstance.abcdefghijkl.us-east-1.rds.amazonaws.com"',
        port: "3306",
        username: '"appuser"',
        dbname: '"tutorial"',
        masterarn: JSON.stringify(MASTER_ARN),
        ssl: "true",
        dbInstanceIdentifier: '"mytestdatabaseinstance"',
        privileges: '["SELECT", "INSERT", "UPDATE", "DELETE"]',
      });
      expect(seed.secret_string.toLowerCase()).not.toContain("password");
    });

    test("keeps the host and the master secret as Terraform references", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const referenced = new SecurityGroup(stack, "Stand-in", {});
      new DatabaseCredentialSecret(stack, "AppUser", props(fn, { host: referenced.name, masterSecretArn: referenced.arn }));
      const { json } = synthesize(stack);
      const seed = seedObject(onlyResource(json, "aws_secretsmanager_secret_version").secret_string);
      const name = Object.keys(json.resource?.aws_security_group ?? {}).find((n) => n.startsWith("Stand-in"));
      expect(seed.host).toBe(`aws_security_group.${name}.name`);
      expect(seed.masterarn).toBe(`aws_security_group.${name}.arn`);
    });

    test("names the cluster for Aurora engines", () => {
      const seed = onlyResource(
        synth({ engine: "aurora-postgresql", port: 5432, databaseIdentifier: "app-cluster" }).json,
        "aws_secretsmanager_secret_version",
      );
      const object = seedObject(seed.secret_string);
      expect(object).toMatchObject({ engine: '"aurora-postgresql"', dbClusterIdentifier: '"app-cluster"', port: "5432" });
      expect(object).not.toHaveProperty("dbInstanceIdentifier");
    });

    test("is labelled AWSCURRENT and TERRAFORM_SEED and never updated by Terraform", () => {
      const { synthesized, json } = synth();
      // The matcher compares lists exactly and in order (the order the construct gives; Terraform sees a set).
      expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
        secret_id: referenceTo(json, "aws_secretsmanager_secret", 0, "id"),
        version_stages: ["AWSCURRENT", "TERRAFORM_SEED"],
        lifecycle: { ignore_changes: ["secret_string", "version_stages"] },
      });
      expect(synthesized).not.toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
        secret_string_wo: expect.anything(),
      });
    });

    test("is the only value anywhere: no password key and no other secret value attribute in the stack", () => {
      const { json } = synth();
      expect(resources(json, "aws_secretsmanager_secret_version")).toHaveLength(1);
      const keys = allKeys(json);
      expect(keys).not.toContain("password");
      expect(keys).not.toContain("secret_string_wo");
      expect(keys).not.toContain("secret_binary");
    });
  });

  describe("the rotation", () => {
    test("rotates at once with the function, every 30 days by default, after everything the first rotation uses", () => {
      const { json } = synth();
      const all = (type: string) => Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`);
      const rotation = onlyResource(json, "aws_secretsmanager_secret_rotation");
      expect(rotation).toEqual({
        secret_id: referenceTo(json, "aws_secretsmanager_secret", 0, "id"),
        rotation_lambda_arn: referenceTo(json, "aws_lambda_function", 0, "arn"),
        rotate_immediately: true,
        rotation_rules: { automatically_after_days: 30 },
        depends_on: expect.any(Array),
      });
      // The seed, both policies of the role, the invoke permission and the function's egress rules.
      expect([...rotation.depends_on].sort()).toEqual(
        [
          ...all("aws_secretsmanager_secret_version"),
          ...all("aws_iam_role_policy"),
          ...all("aws_lambda_permission"),
          ...all("aws_vpc_security_group_egress_rule"),
        ].sort(),
      );
    });

    test("also waits for the given prerequisites, such as the database's ingress rule", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const ingress = new SecurityGroup(stack, "Prerequisite", {});
      new DatabaseCredentialSecret(stack, "AppUser", props(fn, { rotationDependsOn: [ingress] }));
      const rotation = onlyResource(synthesize(stack).json, "aws_secretsmanager_secret_rotation");
      expect(rotation.depends_on).toHaveLength(7);
      expect(rotation.depends_on[6]).toMatch(/^aws_security_group\.Prerequisite/);
    });

    // rotation_rules is compared exactly: no automatically_after_days beside the expression, no unasked window.
    test("takes a schedule expression and a window instead", () => {
      const { synthesized } = synth({ rotation: { scheduleExpression: "cron(0 4 ? * SUN *)", duration: "3h" } });
      expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
        rotation_rules: { schedule_expression: "cron(0 4 ? * SUN *)", duration: "3h" },
      });
    });

    test("takes a rate expression without a window", () => {
      const { synthesized } = synth({ rotation: { scheduleExpression: "rate(4 hours)" } });
      expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
        rotation_rules: { schedule_expression: "rate(4 hours)" },
      });
    });

    test("grants the function rotation of exactly this secret, reading the master secret, through the key", () => {
      const { json } = synth({ kmsKeyArn: KEY_ARN });
      const policy = resources(json, "aws_iam_role_policy").find((p) => p.name === "rotated-secrets");
      const statements = statementsOf(policy?.policy);
      const secretPattern = expect.stringMatching(/:secret:tutorials\/mytestdatabaseinstance\/appuser-\?{6}$/);
      expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
        ["RotateSecrets", [secretPattern]],
        ["ReadMasterSecrets", [MASTER_ARN]],
        ["UseKeysThroughSecretsManager", [KEY_ARN]],
      ]);
      expect(statements[2].Condition?.StringLike?.["kms:EncryptionContext:SecretARN"]).toEqual([secretPattern, MASTER_ARN]);
    });

    test("binds the function to the user, its privileges and its database, as the seed describes them", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const grant = jest.spyOn(fn, "grantRotation");
      new DatabaseCredentialSecret(stack, "AppUser", props(fn, { kmsKeyArn: KEY_ARN }));
      expect(grant).toHaveBeenCalledWith({
        secretName: "tutorials/mytestdatabaseinstance/appuser",
        databaseKey: "mytestdatabaseinstance",
        database: {
          engine: "mysql",
          host: "mytestdatabaseinstance.abcdefghijkl.us-east-1.rds.amazonaws.com",
          port: 3306,
          dbname: "tutorial",
          masterSecretArn: MASTER_ARN,
          tls: true,
        },
        username: "appuser",
        privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
        kmsKeyArn: KEY_ARN,
      });
    });

    test("refuses a name whose secret another function's role would reach, or that widens its own over another secret", () => {
      const stack = testStack();
      const alternating = rotationFunction(stack, bundle);
      const single = new RotationFunction(
        stack,
        "Single",
        rotationFunctionProps(bundle, { functionName: "dev-rotate-single", strategy: "single-user" }),
      );
      const user = (fn: RotationFunction, secretName: string, username: string) =>
        new DatabaseCredentialSecret(stack, `${secretName} as ${username}`, props(fn, { secretName, username }));
      user(alternating, "app/users/a1", "a1");
      user(alternating, "app/users/a2", "a2");
      user(single, "app/users/s1", "s1");
      expect(() => user(alternating, "app/users/b1", "b1")).toThrow(
        'secretName is "app/users/b1", which widens the ARN pattern of rotation function dev-rotate-alternating to "app/users/*", ' +
          'reaching the secret "app/users/s1" that it does not rotate',
      );
      expect(() => user(single, "app/users/a3", "a3")).toThrow(
        'secretName is "app/users/a3", which the ARN pattern "app/users/a*" of rotation function dev-rotate-alternating reaches',
      );
      expect(() => user(single, "app/users/s1", "s2")).toThrow('secretName is "app/users/s1", already bound to this function');
    });

    test("fails synth when a secret created after the grants lies under a function's pattern", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      for (const n of [1, 2]) new DatabaseCredentialSecret(stack, `User${n}`, props(fn, { secretName: `app/user${n}`, username: `u${n}` }));
      new KeyValueSecret(stack, "Notes", { secretName: "app/user-notes", description: "notes", recoveryWindowDays: 7 });
      expect(() => Testing.synth(stack, true)).toThrow(
        'secretName is "app/user-notes", which the ARN pattern "app/user*" of rotation function dev-rotate-alternating reaches; ' +
          "allowed: a name outside the name paths and name starts of the secrets that function rotates",
      );
    });
  });

  test("grantRead attaches a read policy for this secret only to the roles", () => {
    const { stack, secret } = build({ kmsKeyArn: KEY_ARN });
    secret.grantRead("Readers", ["app-role", "batch-role"]);
    const { json } = synthesize(stack);
    const policy = onlyResource(json, "aws_iam_policy");
    expect(policy.name_prefix).toBe("tutorials-mytestdatabaseinstance-appuser-read-");
    expect(statementsOf(policy.policy)[0].Resource).toEqual([referenceTo(json, "aws_secretsmanager_secret", 0, "arn")]);
    expect(statementsOf(policy.policy)[1].Resource).toBe(KEY_ARN);
    expect(resources(json, "aws_iam_role_policy_attachment").map((a) => a.role).sort()).toEqual(["app-role", "batch-role"]);
  });

  test("exposes the secret's ARN, name and user", () => {
    const { secret } = build();
    expect(secret.secretName).toBe("tutorials/mytestdatabaseinstance/appuser");
    expect(secret.username).toBe("appuser");
    expect(Token.isUnresolved(secret.secretArn)).toBe(true);
  });

  describe("validation", () => {
    test.each<[string, Partial<DatabaseCredentialSecretProps>, RotationStrategy, RegExp]>([
      ["engine", { engine: "oracle-ee" as never }, "single-user", /^engine is "oracle-ee"; allowed: "mysql", "mariadb", "aurora-mysql", "postgres", "aurora-postgresql"$/],
      ["username", { username: "1app" }, "single-user", /^username is "1app"; allowed: a letter or _, then letters, digits or _$/],
      ["username", { username: "app-user" }, "single-user", /^username is "app-user"; allowed: a letter or _, then letters, digits or _$/],
      ["username", { username: "a".repeat(33) }, "single-user", /^username is "a{33}" \(33 characters\); allowed: at most 32 characters for mysql$/],
      [
        "username",
        { username: "a".repeat(27) },
        "alternating-users",
        /^username is "a{27}" \(27 characters\); allowed: at most 26 characters for mysql \(32 minus _clone of the alternating users' clone\)$/,
      ],
      ["username", { engine: "postgres", username: "a".repeat(64) }, "single-user", /allowed: at most 63 characters for postgres$/],
      ["username", { engine: "mariadb", username: "a".repeat(81) }, "single-user", /allowed: at most 80 characters for mariadb$/],
      ["username", { engine: "aurora-postgresql", username: "a".repeat(58) }, "alternating-users", /allowed: at most 57 characters for aurora-postgresql \(63 minus _clone/],
      ["username", { username: "AdminUser" }, "single-user", /^username is the master user "adminuser"; allowed: an application user of its own$/],
      [
        "username",
        { username: "app", masterUsername: "app_clone" },
        "alternating-users",
        /^username is "app", whose clone "app_clone" is the master user "app_clone"; allowed: an application user of its own$/,
      ],
      [
        "username",
        { username: "rdsadmin" },
        "single-user",
        /^username is "rdsadmin", a reserved or system account, which the rotation function never manages; allowed: a name other than root, rdsadmin, rdsrepladmin and postgres, not starting with rds_, pg_ or azure_$/,
      ],
      ["username", { engine: "postgres", username: "pg_app" }, "single-user", /^username is "pg_app", a reserved or system account/],
      ["username", { username: "rds_app" }, "single-user", /^username is "rds_app", a reserved or system account/],
      // The rotation function refuses these in its binding: synth refuses them first.
      ["username", { engine: "postgres", username: "postgres" }, "single-user", /^username is "postgres", a reserved or system account/],
      ["username", { username: "Root" }, "single-user", /^username is "Root", a reserved or system account/],
      ["username", { username: "azure_app" }, "single-user", /^username is "azure_app", a reserved or system account/],
      ["username", { username: "rds" }, "alternating-users", /^username is "rds", whose clone "rds_clone" is a reserved or system account/],
      ["privileges", { privileges: [] }, "single-user", /^privileges has 0 item\(s\); allowed: at least 1$/],
      ["privileges", { privileges: ["SELECT", "SELECT"] }, "single-user", /^privileges lists "SELECT" twice; allowed: distinct values$/],
      ["privileges", { privileges: ["SELECT", "DROP" as never] }, "single-user", /^privileges\[1\] is "DROP"; allowed: "SELECT", "INSERT", "UPDATE", "DELETE"$/],
      ["rotation", { rotation: {} as never }, "single-user", /^rotation sets neither automaticallyAfterDays nor scheduleExpression; allowed: exactly one of them$/],
      [
        "rotation",
        { rotation: { automaticallyAfterDays: 30, scheduleExpression: "rate(1 day)" } as never },
        "single-user",
        /^rotation sets both automaticallyAfterDays and scheduleExpression; allowed: exactly one of them$/,
      ],
      ["rotation", { rotation: { automaticallyAfterDays: 0 } }, "single-user", /^rotation\.automaticallyAfterDays is 0; allowed: an integer from 1 to 1000$/],
      ["rotation", { rotation: { automaticallyAfterDays: 1001 } }, "single-user", /^rotation\.automaticallyAfterDays is 1001; allowed: an integer from 1 to 1000$/],
      [
        "rotation",
        { rotation: { automaticallyAfterDays: 30, duration: "3h" } as never },
        "single-user",
        /^rotation\.duration is set with automaticallyAfterDays; allowed: only with scheduleExpression$/,
      ],
      ["rotation", { rotation: { scheduleExpression: "every day" } }, "single-user", /^rotation\.scheduleExpression is "every day"; allowed: rate\(<N> hours\) with N ≥ 4, rate\(<N> days\) with N from 1 to 1000, or cron\(<6 fields>\)$/],
      ["rotation", { rotation: { scheduleExpression: "rate(2 hours)" } }, "single-user", /^rotation\.scheduleExpression is "rate\(2 hours\)"; allowed: rate/],
      ["rotation", { rotation: { scheduleExpression: "rate(1001 days)" } }, "single-user", /^rotation\.scheduleExpression is "rate\(1001 days\)"; allowed: rate/],
      ["rotation", { rotation: { scheduleExpression: "cron(0 4 * *)" } }, "single-user", /^rotation\.scheduleExpression is "cron\(0 4 \* \*\)"; allowed: rate/],
      ["rotation", { rotation: { scheduleExpression: "rate(1 day)", duration: "25h" } }, "single-user", /^rotation\.duration is "25h"; allowed: <N>h with N from 1 to 24, e\.g\. 3h$/],
      ["rotation", { rotation: { scheduleExpression: "rate(1 day)", duration: "90m" } }, "single-user", /^rotation\.duration is "90m"; allowed: <N>h with N from 1 to 24/],
      ["secretName", { secretName: "app user" }, "single-user", /^secretName is "app user"; allowed: 1 to 512 letters, digits or \/_\+=\.@-$/],
      ["recoveryWindowDays", { recoveryWindowDays: 5 }, "single-user", /^recoveryWindowDays is 5; allowed: 0 \(no recovery\) or an integer from 7 to 30$/],
    ])("rejects an invalid %s", (_field, overrides, strategy, message) => {
      expect(() => build(overrides, strategy)).toThrow(message);
    });

    test("accepts the longest names each engine and strategy allows", () => {
      expect(() => build({ username: "a".repeat(32) }, "single-user")).not.toThrow();
      expect(() => build({ username: "a".repeat(26) }, "alternating-users")).not.toThrow();
      expect(() => build({ engine: "postgres", username: "a".repeat(57) }, "alternating-users")).not.toThrow();
      // The rotation function's limits (lambda/secret-contract.ts), not the MySQL family's 32.
      expect(() => build({ engine: "mariadb", username: "a".repeat(74) }, "alternating-users")).not.toThrow();
      expect(() => build({ engine: "mariadb", username: "a".repeat(75) }, "alternating-users")).toThrow(
        /allowed: at most 74 characters for mariadb \(80 minus _clone/,
      );
    });

    test("accepts a user name starting with _, as the rotation function does", () => {
      expect(() => build({ username: "_app" }, "single-user")).not.toThrow();
    });
  });
});
