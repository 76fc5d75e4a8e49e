import { readFileSync } from "node:fs";
import * as path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import {
  DATABASE_BINDINGS_VARIABLE,
  parseDatabaseBindings,
  parseSecretBindings,
  SECRET_BINDINGS_FILE,
} from "../../shared/rotation-binding";
import { SEED_STAGE } from "../../shared/secret-contract";
import type { StackJson } from "../../review/terraform-json";
import { realisticValues } from "../support/realistic-values";
import { evaluateJsonencode } from "../support/terraform-expressions";
import { resourcesOf, synthEnvironments } from "../support/synth";
import { physicalNames } from "../../stacks/physical-names";
import type { EnvironmentConfig } from "../../environments/types";

let stacks: Record<string, StackJson>;
let outdir: string;
beforeAll(async () => {
  ({ stacks, outdir } = await synthEnvironments([dev, prod]));
});

type Attributes = Record<string, unknown>;

function only(stack: StackJson, type: string): Attributes {
  const all = resourcesOf(stack, type);
  expect(all).toHaveLength(1);
  return all[0][1];
}

function secretNamed(stack: StackJson, name: string): [string, Attributes] {
  const found = resourcesOf(stack, "aws_secretsmanager_secret").filter(([, s]) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const ENVIRONMENTS: Record<string, EnvironmentConfig> = { dev, prod };

describe.each(["dev", "prod"])("%s carries the tutorial scenario", (name) => {
  const env = ENVIRONMENTS[name];
  const keyValueSecret = env.keyValueSecrets![0];
  const userSecret = env.databaseUsers[0];

  test("the key/value secret of tutorial 1, whose value is set outside Terraform", () => {
    const stack = stacks[name];
    const [logical, secret] = secretNamed(stack, keyValueSecret.secretName);
    expect(secret.description).toBe(keyValueSecret.description);
    const versions = resourcesOf(stack, "aws_secretsmanager_secret_version").filter(
      ([, v]) => v.secret_id === `\${aws_secretsmanager_secret.${logical}.id}`,
    );
    expect(versions).toEqual([]);
  });

  test("the MySQL instance of tutorial 2, whose master password only RDS knows", () => {
    const db = only(stacks[name], "aws_db_instance");
    expect(db).toMatchObject({
      identifier: env.database.identifier,
      engine: "mysql",
      username: "adminuser",
      // dev listens on the tutorial's port; prod moves off MySQL's default (Security Hub RDS.23).
      port: name === "dev" ? 3306 : 3307,
      manage_master_user_password: true,
      publicly_accessible: false,
      storage_encrypted: true,
    });
    expect(db).not.toHaveProperty("password");
    expect(db).not.toHaveProperty("password_wo");
  });

  test("the application user's secret, rotated every 30 days by the rotation function from the start", () => {
    const stack = stacks[name];
    const [logical] = secretNamed(stack, userSecret.secretName);
    const rotation = resourcesOf(stack, "aws_secretsmanager_secret_rotation")
      .map(([, r]) => r)
      .find((r) => r.secret_id === `\${aws_secretsmanager_secret.${logical}.id}`);
    const [fnLogical] = resourcesOf(stack, "aws_lambda_function")[0];
    expect(rotation).toMatchObject({
      rotation_rules: { automatically_after_days: 30 },
      rotate_immediately: true,
      rotation_lambda_arn: `\${aws_lambda_function.${fnLogical}.arn}`,
    });
  });

  test("Terraform writes the connection seed once and never takes AWSCURRENT back", () => {
    const stack = stacks[name];
    const [logical] = secretNamed(stack, userSecret.secretName);
    const seeds = resourcesOf(stack, "aws_secretsmanager_secret_version").filter(
      ([, v]) => v.secret_id === `\${aws_secretsmanager_secret.${logical}.id}`,
    );
    expect(seeds).toHaveLength(1);
    const seed = seeds[0][1];
    // The custom label keeps the version alive after rotation moves AWSCURRENT away;
    // ignoring both attributes keeps every later plan from rewriting or relabelling it.
    expect(seed.version_stages).toEqual(["AWSCURRENT", SEED_STAGE]);
    expect(seed.lifecycle).toEqual({ ignore_changes: ["secret_string", "version_stages"] });
    expect(seed.secret_string).toEqual(expect.stringContaining('"username" = "appuser"'));
    expect(String(seed.secret_string)).not.toMatch(/password/i);
  });
});

describe("dev is cheap", () => {
  test("AWS-managed keys: no customer-managed key and no kms_key_id on secrets", () => {
    expect(resourcesOf(stacks.dev, "aws_kms_key")).toEqual([]);
    for (const [, secret] of resourcesOf(stacks.dev, "aws_secretsmanager_secret")) {
      expect(secret).not.toHaveProperty("kms_key_id");
    }
  });

  test("a single-AZ micro instance without deletion protection or final snapshot", () => {
    expect(only(stacks.dev, "aws_db_instance")).toMatchObject({
      instance_class: "db.t4g.micro",
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
      backup_retention_period: 1,
    });
  });

  test("one interface endpoint in one zone and no NAT gateway", () => {
    const endpoint = only(stacks.dev, "aws_vpc_endpoint");
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Interface", private_dns_enabled: true });
    expect(endpoint.subnet_ids).toHaveLength(1);
    expect(resourcesOf(stacks.dev, "aws_nat_gateway")).toEqual([]);
  });

  test("no recovery window, so a destroyed dev can be built again at once, and short log retention", () => {
    for (const [, secret] of resourcesOf(stacks.dev, "aws_secretsmanager_secret")) {
      expect(secret.recovery_window_in_days).toBe(0);
    }
    const lambdaLogs = resourcesOf(stacks.dev, "aws_cloudwatch_log_group").find(([, g]) =>
      String(g.name).startsWith("/aws/lambda/"),
    );
    expect(lambdaLogs?.[1].retention_in_days).toBe(14);
  });
});

describe("prod is hardened", () => {
  test("a customer-managed key with rotation encrypts secrets, database, master secret and logs", () => {
    const [keyLogical, key] = resourcesOf(stacks.prod, "aws_kms_key")[0];
    expect(key.enable_key_rotation).toBe(true);
    const keyArn = `\${aws_kms_key.${keyLogical}.arn}`;
    for (const [, secret] of resourcesOf(stacks.prod, "aws_secretsmanager_secret")) {
      expect(secret.kms_key_id).toBe(keyArn);
    }
    expect(only(stacks.prod, "aws_db_instance")).toMatchObject({
      kms_key_id: keyArn,
      master_user_secret_kms_key_id: keyArn,
      performance_insights_kms_key_id: keyArn,
    });
    for (const [, group] of resourcesOf(stacks.prod, "aws_cloudwatch_log_group")) {
      expect(group.kms_key_id).toBe(keyArn);
    }
  });

  test("a multi-AZ database with deletion protection, final snapshot, monitoring and IAM auth", () => {
    expect(only(stacks.prod, "aws_db_instance")).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 30,
      monitoring_interval: 60,
      performance_insights_enabled: true,
      iam_database_authentication_enabled: true,
    });
  });

  test("the Secrets Manager endpoint has an interface in every availability zone", () => {
    const endpoint = only(stacks.prod, "aws_vpc_endpoint");
    expect(endpoint.subnet_ids).toHaveLength(prod.network.kind === "new" ? prod.network.availabilityZoneIds.length : 0);
    expect(resourcesOf(stacks.prod, "aws_subnet")).toHaveLength(3);
  });

  test("the function's environment is encrypted with the key too (CKV_AWS_173)", () => {
    const [keyLogical] = resourcesOf(stacks.prod, "aws_kms_key")[0];
    expect(only(stacks.prod, "aws_lambda_function").kms_key_arn).toBe(`\${aws_kms_key.${keyLogical}.arn}`);
  });

  test("EventBridge may use the key only for this account's rules whenever the request names its source", () => {
    const [, key] = resourcesOf(stacks.prod, "aws_kms_key")[0];
    const statement = JSON.parse(String(key.policy)).Statement.find((s: { Sid: string }) => s.Sid === "EventBridgeUsesKeyForEncryptedTopics");
    expect(Object.keys(statement.Condition)).toEqual(["StringEqualsIfExists", "ArnLikeIfExists"]);
    expect(statement.Condition.ArnLikeIfExists["aws:SourceArn"]).toMatch(/:events:.*:rule\/\*$/);
  });

  test("no MySQL general log: it would put every statement and its data in CloudWatch Logs", () => {
    expect(only(stacks.prod, "aws_db_instance").enabled_cloudwatch_logs_exports).toEqual(["audit", "error", "slowquery"]);
  });

  test("30-day recovery windows and a year of logs", () => {
    for (const [, secret] of resourcesOf(stacks.prod, "aws_secretsmanager_secret")) {
      expect(secret.recovery_window_in_days).toBe(30);
    }
    for (const [, group] of resourcesOf(stacks.prod, "aws_cloudwatch_log_group")) {
      expect(group.retention_in_days).toBe(365);
    }
  });
});

describe.each(["dev", "prod"])("%s before the first apply", (name) => {
  test("the rotation function runs on Node.js 24 with no reserved concurrency, which a new account's quota refuses", () => {
    for (const [, fn] of resourcesOf(stacks[name], "aws_lambda_function")) {
      expect(fn.runtime).toBe("nodejs24.x");
      expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    }
  });

  test("MySQL 8.4, in RDS standard support and kept out of paid Extended Support, with the groups of its major", () => {
    const stack = stacks[name];
    expect(only(stack, "aws_db_instance")).toMatchObject({
      engine: "mysql",
      engine_version: "8.4",
      engine_lifecycle_support: "open-source-rds-extended-support-disabled",
    });
    expect(only(stack, "aws_db_parameter_group").family).toBe("mysql8.4");
    // prod's audit log takes the audit plugin's option group; dev exports no audit log.
    expect(resourcesOf(stack, "aws_db_option_group").map(([, group]) => group.major_engine_version)).toEqual(
      name === "prod" ? ["8.4"] : [],
    );
  });

  test("subnets placed by zone ID, the same zones in every account, none of them use1-az3", () => {
    const subnets = resourcesOf(stacks[name], "aws_subnet").map(([, subnet]) => subnet);
    expect(subnets.map((subnet) => subnet.availability_zone_id)).toEqual(
      name === "dev" ? ["use1-az1", "use1-az2"] : ["use1-az1", "use1-az2", "use1-az4"],
    );
    for (const subnet of subnets) expect(subnet).not.toHaveProperty("availability_zone");
  });

  test("no role may call Secrets Manager on every resource", () => {
    for (const [, policy] of resourcesOf(stacks[name], "aws_iam_role_policy")) {
      for (const statement of JSON.parse(String(policy.policy)).Statement) {
        if ([statement.Action].flat().some((action: string) => action.startsWith("secretsmanager:"))) {
          expect([statement.Resource].flat()).not.toContain("*");
        }
      }
    }
  });

  test("the first rotation waits for the role's policies, the invoke permission, the endpoint and every rule on its path", () => {
    const stack = stacks[name];
    const addresses = (type: string) => resourcesOf(stack, type).map(([logical]) => `${type}.${logical}`);
    const [, rotation] = resourcesOf(stack, "aws_secretsmanager_secret_rotation").find(([, r]) => r.rotation_lambda_arn)!;
    expect(rotation.depends_on).toEqual(
      expect.arrayContaining([
        ...addresses("aws_iam_role_policy").filter((a) => a.includes("RotationFunction")),
        ...addresses("aws_lambda_permission"),
        ...addresses("aws_vpc_endpoint"),
        ...addresses("aws_vpc_security_group_egress_rule"),
        ...addresses("aws_vpc_security_group_ingress_rule"),
      ]),
    );
  });

  test("the function's channels bind exactly the configured users and database, as the function parses them", () => {
    const stack = stacks[name];
    const env = ENVIRONMENTS[name];
    const [, fn] = resourcesOf(stack, "aws_lambda_function")[0];
    const zip = readFileSync(path.join(outdir, "stacks", name, String(fn.filename)));
    const bindings = parseSecretBindings(strFromU8(unzipSync(zip)[SECRET_BINDINGS_FILE]));
    expect(bindings).toEqual({
      version: 1,
      strategy: "alternating-users",
      secrets: Object.fromEntries(
        env.databaseUsers.map((u) => [u.secretName, { database: env.database.identifier, username: u.username, privileges: u.privileges }]),
      ),
    });
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    const databases = parseDatabaseBindings(evaluateJsonencode(variables[DATABASE_BINDINGS_VARIABLE], realisticValues(stack, env.region)));
    expect(databases).toEqual({
      [env.database.identifier]: {
        engine: env.database.engine,
        host: expect.stringMatching(new RegExp(`^${env.database.identifier}\\.`)),
        port: env.database.port,
        dbname: env.database.databaseName,
        masterSecretArn: expect.stringMatching(/:secret:rds!db-/),
        tls: true,
      },
    });
  });
});

describe("names per environment", () => {
  test("dev keeps the walkthrough's names", () => {
    expect(only(stacks.dev, "aws_db_instance").identifier).toBe("mytestdatabaseinstance");
    expect(resourcesOf(stacks.dev, "aws_secretsmanager_secret").map(([, s]) => s.name).sort()).toEqual([
      "tutorials/MyFirstTutorialSecret",
      "tutorials/mytestdatabaseinstance/appuser",
    ]);
  });

  test("prod has names of its own: none that AWS keeps unique is dev's or the tutorial's", () => {
    const devNames = new Set(physicalNames(stacks.dev).map((n) => n.name.toLowerCase()));
    const prodNames = physicalNames(stacks.prod);
    expect(prodNames.map((n) => n.address)).toEqual(
      expect.arrayContaining(["aws_db_instance.database", "aws_db_subnet_group.database", "aws_security_group.database"]),
    );
    expect(prodNames.filter((n) => devNames.has(n.name.toLowerCase()))).toEqual([]);
    expect(JSON.stringify(prodNames)).not.toMatch(/tutorial|mytestdatabaseinstance/i);
  });
});

describe("accounts and roles", () => {
  test("prod is applied only to its pinned account, through the role it names, in a session named after it", () => {
    const provider = (stacks.prod.provider as { aws: Record<string, unknown>[] }).aws[0];
    expect(provider.allowed_account_ids).toEqual(["111122223333"]);
    expect(provider.assume_role).toEqual([
      { role_arn: "arn:aws:iam::111122223333:role/secrets-rotation-deployer", session_name: "cdktf-prod" },
    ]);
  });

  test("dev pins no account and assumes no role: it deploys with the credentials at hand", () => {
    const provider = (stacks.dev.provider as { aws: Record<string, unknown>[] }).aws[0];
    expect(provider).not.toHaveProperty("allowed_account_ids");
    expect(provider).not.toHaveProperty("assume_role");
  });
});

describe("backends", () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => (saved = { ...process.env }));
  afterEach(() => (process.env = saved));

  test("dev keeps local state at a relative path outside cdktf.out", () => {
    expect(stacks.dev.terraform.backend).toEqual({ local: { path: "../../../terraform.dev.tfstate" } });
  });

  test("prod keeps its state in the Terraform Cloud workspace its configuration names", () => {
    expect(stacks.prod.terraform.backend).toBeUndefined();
    expect(stacks.prod.terraform.cloud).toEqual({ organization: "example-org", workspaces: { name: "secrets-rotation-prod" } });
  });

  test("the configuration wins over TFC_* variables: state goes where prod.ts says", async () => {
    process.env.TFC_ORGANIZATION = "someone-else";
    process.env.TFC_WORKSPACE_PROD_COPY = "another-workspace";
    const { stacks: decoyed } = await synthEnvironments([{ ...prod, name: "prod-copy" }]);
    expect(decoyed["prod-copy"].terraform.cloud).toEqual({ organization: "example-org", workspaces: { name: "secrets-rotation-prod" } });
  });

  test("Terraform Cloud: one named workspace per environment, names from the environment variables", async () => {
    process.env.TFC_ORGANIZATION = "acme-platform";
    process.env.TFC_WORKSPACE_STAGING_EU = "secrets-staging-eu";
    const stagingEu = { ...dev, name: "staging-eu", backend: { kind: "cloud" as const } };
    const cloud = (await synthEnvironments([stagingEu])).stacks["staging-eu"];
    expect(cloud.terraform.backend).toBeUndefined();
    expect(cloud.terraform.cloud).toEqual({
      organization: "acme-platform",
      workspaces: { name: "secrets-staging-eu" },
    });
  });
});

describe.each(["dev", "prod"])("%s read access", (name) => {
  test("each secret has a policy that reads exactly that secret, its key only through Secrets Manager", () => {
    const stack = stacks[name];
    const secrets = resourcesOf(stack, "aws_secretsmanager_secret").map(([logical]) => logical);
    const policies = resourcesOf(stack, "aws_iam_policy").map(([, p]) => JSON.parse(String(p.policy)));
    expect(policies).toHaveLength(secrets.length);
    const readable = policies.map((policy) => {
      const [read, ...kms] = policy.Statement;
      expect(read.Action).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
      expect(read.Resource).toHaveLength(1);
      if (name === "prod") {
        expect(kms).toEqual([
          expect.objectContaining({
            Action: "kms:Decrypt",
            Condition: expect.objectContaining({
              StringEquals: expect.objectContaining({ "kms:ViaService": expect.stringMatching(/^secretsmanager\./) }),
            }),
          }),
        ]);
      } else {
        expect(kms).toEqual([]);
      }
      return read.Resource[0];
    });
    expect(readable.sort()).toEqual(secrets.map((logical) => `\${aws_secretsmanager_secret.${logical}.arn}`).sort());
  });
});

describe.each(["dev", "prod"])("%s outputs", (name) => {
  test("name ARNs, endpoint, port and topics, and no secret value", () => {
    const outputs = stacks[name].output ?? {};
    expect(Object.keys(outputs).sort()).toEqual([
      "alerts_topic_arn",
      "database_endpoint",
      "database_port",
      "database_user_secrets",
      "key_value_secrets",
      "master_secret_arn",
      "rotation_events_topic_arn",
    ]);
    expect(JSON.stringify(outputs)).not.toMatch(/secret_string|password|GetSecretValue/i);
  });
});
