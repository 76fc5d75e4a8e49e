import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { type TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { strFromU8, unzipSync } from "fflate";
import type { PolicyStatement } from "../../constructs/policy-document";
import type { RotationFunction, RotationFunctionProps, RotationTarget } from "../../constructs/rotation-function";
import { parseDatabaseBindings, parseSecretBindings } from "../../shared/rotation-binding";
import { evaluateJsonencode } from "../support/terraform-expressions";
import {
  DATABASE_SG,
  ENDPOINT_SG,
  KEY_ARN,
  rotationFunction,
  SUBNET_IDS,
  TEST_BUNDLE_CODE,
  type TestBundle,
  VPC_ID,
  writeTestBundle,
} from "./rotation-fixtures";
import {
  onlyResource,
  referenceTo,
  resources,
  statementsOf,
  type Synthesized,
  synthesize,
  type SynthesizedStack,
  testStack,
} from "./test-stack";

let bundle: TestBundle;
beforeAll(() => {
  bundle = writeTestBundle();
});
afterAll(() => bundle.remove());

function synth(overrides: Partial<RotationFunctionProps> = {}): Synthesized {
  const stack = testStack();
  rotationFunction(stack, bundle, overrides);
  return synthesize(stack);
}

function dataReference(json: SynthesizedStack, type: string, attribute: string): string {
  const names = Object.keys(json.data?.[type] ?? {});
  expect(names).toHaveLength(1);
  return `\${data.${type}.${names[0]}.${attribute}}`;
}

function accountArn(json: SynthesizedStack, service: string, resource: string): string {
  const partition = dataReference(json, "aws_partition", "partition");
  const region = dataReference(json, "aws_region", "region");
  const account = dataReference(json, "aws_caller_identity", "account_id");
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

function policyNamed(json: SynthesizedStack, name: string): PolicyStatement[] {
  const policy = resources(json, "aws_iam_role_policy").find((p) => p.name === name);
  expect(policy).toBeDefined();
  return statementsOf(policy?.policy);
}

function sha256Base64(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/** The stack's JSON and the entries of its function's deployment package, as `cdktf synth` writes them. */
function fullSynth(stack: TerraformStack): { json: SynthesizedStack; packageEntries: Record<string, Uint8Array> } {
  const outdir = Testing.fullSynth(stack);
  try {
    const stackDir = path.join(outdir, "stacks", "test");
    const json = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as SynthesizedStack;
    const zip = readFileSync(path.join(stackDir, onlyResource(json, "aws_lambda_function").filename));
    return { json, packageEntries: unzipSync(zip) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("RotationFunction", () => {
  describe("the Lambda function", () => {
    test("has the defaults: Node.js 24 on arm64, 256 MB, 60 s, X-Ray, JSON logs to its own group", () => {
      const { synthesized, json } = synth();
      const fn = onlyResource(json, "aws_lambda_function");
      expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
        function_name: "dev-rotate-alternating",
        handler: "index.handler",
        runtime: "nodejs24.x",
        architectures: ["arm64"],
        memory_size: 256,
        timeout: 60,
        role: referenceTo(json, "aws_iam_role", 0, "arn"),
        tracing_config: { mode: "Active" },
        logging_config: { log_format: "JSON", log_group: referenceTo(json, "aws_cloudwatch_log_group", 0, "name") },
        vpc_config: { subnet_ids: SUBNET_IDS, security_group_ids: [referenceTo(json, "aws_security_group", 0, "id")] },
      });
      // The network permissions, and the egress a rotation starting at once needs.
      const egressRules = Object.keys(json.resource?.aws_vpc_security_group_egress_rule ?? {});
      expect(egressRules).toHaveLength(2);
      expect(fn.depends_on).toEqual([
        `aws_iam_role_policy.${Object.keys(json.resource?.aws_iam_role_policy ?? {})[0]}`,
        ...egressRules.map((name) => `aws_vpc_security_group_egress_rule.${name}`),
      ]);
      for (const attribute of ["reserved_concurrent_executions", "kms_key_arn", "dead_letter_config"]) {
        expect(synthesized).not.toHaveResourceWithProperties(LambdaFunction, { [attribute]: expect.anything() });
      }
    });

    test("sets the strategy, the password length, the CA bundle and no database, and no exclusion list unless configured", () => {
      // `environment` is compared exactly: no EXCLUDE_CHARACTERS, no other variable.
      expect(synth().synthesized).toHaveResourceWithProperties(LambdaFunction, {
        environment: {
          variables: {
            ROTATION_STRATEGY: "alternating-users",
            PASSWORD_LENGTH: "32",
            DB_CA_BUNDLE: "/var/runtime/ca-cert.pem",
            ROTATION_DATABASES: "${jsonencode({})}",
          },
        },
      });
    });

    test("passes the configured runtime, timeout, password length and excluded characters", () => {
      const { synthesized } = synth({
        strategy: "single-user",
        runtime: "nodejs22.x",
        timeoutSeconds: 120,
        passwordLength: 48,
        excludeCharacters: "/@\"'\\",
      });
      expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
        runtime: "nodejs22.x",
        timeout: 120,
        environment: {
          variables: {
            ROTATION_STRATEGY: "single-user",
            PASSWORD_LENGTH: "48",
            DB_CA_BUNDLE: "/var/runtime/ca-cert.pem",
            ROTATION_DATABASES: "${jsonencode({})}",
            EXCLUDE_CHARACTERS: "/@\"'\\",
          },
        },
      });
    });

    test("encrypts its environment with the customer-managed key when one is given", () => {
      expect(synth({ kmsKeyArn: KEY_ARN }).synthesized).toHaveResourceWithProperties(LambdaFunction, {
        kms_key_arn: KEY_ARN,
      });
    });

    test("reserves the configured concurrency", () => {
      expect(synth({ reservedConcurrentExecutions: 5 }).synthesized).toHaveResourceWithProperties(LambdaFunction, {
        reserved_concurrent_executions: 5,
      });
    });

    test("references its deployment package by a path relative to the stack, with the package's hash", () => {
      const stack = testStack();
      rotationFunction(stack, bundle);
      const outdir = Testing.fullSynth(stack);
      try {
        const stackDir = path.join(outdir, "stacks", "test");
        const json = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as SynthesizedStack;
        const fn = onlyResource(json, "aws_lambda_function");
        expect(path.isAbsolute(fn.filename)).toBe(false);
        expect(fn.filename).toMatch(/^assets\/.+\/rotation-function\.zip$/);
        const zip = readFileSync(path.join(stackDir, fn.filename));
        expect(fn.source_code_hash).toBe(sha256Base64(zip));
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  });

  describe("the log group", () => {
    test("is /aws/lambda/<name> with the retention, and CloudWatch Logs' own encryption by default", () => {
      const group = onlyResource(synth().json, "aws_cloudwatch_log_group");
      expect(group).toEqual({ name: "/aws/lambda/dev-rotate-alternating", retention_in_days: 14 });
    });

    test("is encrypted with the customer-managed key when one is given", () => {
      expect(synth({ kmsKeyArn: KEY_ARN, logRetentionDays: 365 }).synthesized).toHaveResourceWithProperties(
        CloudwatchLogGroup,
        { name: "/aws/lambda/dev-rotate-alternating", retention_in_days: 365, kms_key_id: KEY_ARN },
      );
    });
  });

  describe("the security group", () => {
    test("has no inline rules and no ingress rule", () => {
      const { synthesized, json } = synth();
      const group = onlyResource(json, "aws_security_group");
      expect(group).toEqual({
        name: "dev-rotate-alternating",
        description: expect.stringContaining("egress to the database and Secrets Manager only"),
        vpc_id: VPC_ID,
      });
      expect(synthesized).not.toHaveResource(VpcSecurityGroupIngressRule);
    });

    test("allows egress only to the database port of the database group and to HTTPS through the NAT", () => {
      const { json } = synth();
      const ownGroup = referenceTo(json, "aws_security_group", 0, "id");
      const egress = resources(json, "aws_vpc_security_group_egress_rule").map(({ description, ...rule }) => {
        expect(description).toEqual(expect.any(String));
        return rule;
      });
      expect(egress).toEqual([
        {
          security_group_id: ownGroup,
          ip_protocol: "tcp",
          from_port: 3306,
          to_port: 3306,
          referenced_security_group_id: DATABASE_SG,
        },
        { security_group_id: ownGroup, ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
      ]);
    });

    test("sends HTTPS only to the endpoint's group when there is an endpoint", () => {
      const { synthesized, json } = synth({ secretsManagerEndpointSecurityGroupId: ENDPOINT_SG, databasePort: 5432 });
      expect(resources(json, "aws_vpc_security_group_egress_rule")).toHaveLength(2);
      expect(synthesized).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
        from_port: 5432,
        to_port: 5432,
        referenced_security_group_id: DATABASE_SG,
      });
      expect(synthesized).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: ENDPOINT_SG,
      });
      expect(synthesized).not.toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { cidr_ipv4: expect.anything() });
    });
  });

  describe("the execution role", () => {
    test("can be assumed by Lambda on behalf of this account only", () => {
      const { json } = synth();
      const role = onlyResource(json, "aws_iam_role");
      expect(role.name).toBe("dev-rotate-alternating");
      expect(statementsOf(role.assume_role_policy)).toEqual([
        {
          Sid: "LambdaOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": dataReference(json, "aws_caller_identity", "account_id") } },
        },
      ]);
    });

    test("writes only to its own log group and creates network interfaces only in its subnets with its group", () => {
      const { json } = synth();
      const statements = policyNamed(json, "rotation-function-base");
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      const subnetArns = SUBNET_IDS.map((id) => accountArn(json, "ec2", `subnet/${id}`));
      const enis = accountArn(json, "ec2", "network-interface/*");
      expect(bySid.WriteOwnLogs).toMatchObject({
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${referenceTo(json, "aws_cloudwatch_log_group", 0, "arn")}:*`,
      });
      expect(bySid.CreateNetworkInterfacesInOwnSubnets).toMatchObject({
        Action: "ec2:CreateNetworkInterface",
        Resource: enis,
        Condition: { ArnEquals: { "ec2:Subnet": subnetArns } },
      });
      expect(bySid.UseOwnSubnetsAndSecurityGroup).toMatchObject({
        Action: "ec2:CreateNetworkInterface",
        Resource: [
          ...subnetArns,
          accountArn(json, "ec2", `security-group/${referenceTo(json, "aws_security_group", 0, "id")}`),
        ],
      });
      expect(bySid.ManageNetworkInterfaces).toMatchObject({
        Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        Resource: enis,
      });
    });

    test("uses the * resource only for actions that support no other: ENI/subnet describe and traces, nothing of Secrets Manager", () => {
      const statements = policyNamed(synth().json, "rotation-function-base");
      const wildcard = statements.filter((s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*")));
      expect(wildcard.map((s) => s.Action)).toEqual([
        ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      ]);
      expect(JSON.stringify(statements)).not.toContain("secretsmanager:");
      expect(JSON.stringify(statements)).not.toContain("kms:");
    });

    test("may decrypt its environment's customer-managed key only through Lambda", () => {
      const { json } = synth({ kmsKeyArn: KEY_ARN });
      const region = dataReference(json, "aws_region", "region");
      const suffix = dataReference(json, "aws_partition", "dns_suffix");
      expect(policyNamed(json, "rotation-function-base").find((s) => s.Sid === "DecryptOwnEnvironmentThroughLambda")).toEqual({
        Sid: "DecryptOwnEnvironmentThroughLambda",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: KEY_ARN,
        Condition: { StringEquals: { "kms:ViaService": `lambda.${region}.${suffix}` } },
      });
    });

    test("has no permission on any secret until a rotation is granted", () => {
      const { json } = synth();
      expect(resources(json, "aws_iam_role_policy").map((p) => p.name)).toEqual(["rotation-function-base"]);
    });
  });

  describe("grantRotation", () => {
    const MASTER = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0123-XyZaBc";
    const OTHER_MASTER = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-4567-DeFgHi";
    const database = { engine: "mysql", host: "db1.example.internal", port: 3306, dbname: "app", masterSecretArn: MASTER, tls: true } as const;

    function target(secretName: string, overrides: Partial<RotationTarget> = {}): RotationTarget {
      return {
        secretName,
        databaseKey: "db1",
        database,
        username: secretName.replace(/\W/g, "_"),
        privileges: ["SELECT"],
        ...overrides,
      };
    }

    function granted(...targets: RotationTarget[]): { stack: TerraformStack; fn: RotationFunction } {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      for (const t of targets) fn.grantRotation(t);
      return { stack, fn };
    }

    test("reaches the secrets by name: exactly, or by the start their names share within a path", () => {
      const { json } = synthesize(granted(target("app/a"), target("app/b"), target("solo/x"), target("top")).stack);
      const arn = (pattern: string) => accountArn(json, "secretsmanager", `secret:${pattern}`);
      expect(policyNamed(json, "rotated-secrets")).toEqual([
        {
          Sid: "RotateSecrets",
          Effect: "Allow",
          Action: [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
          ],
          Resource: [arn("app/*"), arn("solo/x-??????"), arn("top-??????")],
        },
        { Sid: "ReadMasterSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [MASTER] },
      ]);
    });

    test("lets it use a customer-managed key only through Secrets Manager and for those secrets", () => {
      const { json } = synthesize(granted(target("app/a", { kmsKeyArn: KEY_ARN })).stack);
      const region = dataReference(json, "aws_region", "region");
      const suffix = dataReference(json, "aws_partition", "dns_suffix");
      expect(policyNamed(json, "rotated-secrets")[2]).toEqual({
        Sid: "UseKeysThroughSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [KEY_ARN],
        Condition: {
          StringEquals: { "kms:ViaService": `secretsmanager.${region}.${suffix}` },
          StringLike: { "kms:EncryptionContext:SecretARN": [accountArn(json, "secretsmanager", "secret:app/a-??????"), MASTER] },
        },
      });
    });

    test("returns what a rotation must wait for: the role's policies, the invoke permission, the egress rules", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const prerequisites = fn.grantRotation(target("app/a"));
      expect(fn.grantRotation(target("app/b"))).toEqual(prerequisites);
      const types = prerequisites.map((p) => (p as unknown as { terraformResourceType: string }).terraformResourceType);
      expect(types.sort()).toEqual([
        "aws_iam_role_policy",
        "aws_iam_role_policy",
        "aws_lambda_permission",
        "aws_vpc_security_group_egress_rule",
        "aws_vpc_security_group_egress_rule",
      ]);
    });

    test("binds each secret in the deployment package and each database in ROTATION_DATABASES, as the function parses them", () => {
      const other = { ...database, engine: "postgres", host: "db2.example.internal", port: 5432, masterSecretArn: OTHER_MASTER } as const;
      const { stack } = granted(
        target("app/b", { privileges: ["DELETE", "SELECT"] }),
        target("app/a", { username: "alpha" }),
        target("reports/r", { databaseKey: "db2", database: other, username: "reporter" }),
      );
      const { json, packageEntries } = fullSynth(stack);
      expect(Object.keys(packageEntries)).toEqual(["index.js", "secret-bindings.json"]);
      expect(strFromU8(packageEntries["index.js"])).toBe(TEST_BUNDLE_CODE);
      expect(parseSecretBindings(strFromU8(packageEntries["secret-bindings.json"]))).toEqual({
        version: 1,
        strategy: "alternating-users",
        secrets: {
          "app/a": { database: "db1", username: "alpha", privileges: ["SELECT"] },
          "app/b": { database: "db1", username: "app_b", privileges: ["SELECT", "DELETE"] },
          "reports/r": { database: "db2", username: "reporter", privileges: ["SELECT"] },
        },
      });
      const variable = onlyResource(json, "aws_lambda_function").environment.variables.ROTATION_DATABASES;
      const refuse = (reference: string) => {
        throw new Error(`unexpected reference ${reference}`);
      };
      expect(parseDatabaseBindings(evaluateJsonencode(variable, refuse))).toEqual({ db1: database, db2: other });
    });

    test("keeps Terraform references in the database binding, resolved at apply time", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const host = new TerraformVariable(stack, "host", {}).stringValue;
      const master = new TerraformVariable(stack, "master", {}).stringValue;
      fn.grantRotation(target("app/a", { database: { ...database, host, masterSecretArn: master } }));
      const variable = onlyResource(synthesize(stack).json, "aws_lambda_function").environment.variables.ROTATION_DATABASES;
      const values: Record<string, string> = { "var.host": "db1.abc.eu-west-1.rds.amazonaws.com", "var.master": MASTER };
      expect(parseDatabaseBindings(evaluateJsonencode(variable, (reference) => values[reference])).db1).toEqual({
        ...database,
        host: values["var.host"],
      });
    });

    test("gives the same package bytes for the same bindings, whatever the order of the grants", () => {
      const first = fullSynth(granted(target("app/a"), target("app/b")).stack);
      const second = fullSynth(granted(target("app/b"), target("app/a")).stack);
      expect(onlyResource(second.json, "aws_lambda_function").source_code_hash).toBe(
        onlyResource(first.json, "aws_lambda_function").source_code_hash,
      );
    });

    test("zips each distinct package once and reuses it from the bundle's packages directory", () => {
      const packages = bundle.packagesDir as string;
      rmSync(packages, { recursive: true, force: true });
      fullSynth(granted(target("app/a")).stack);
      fullSynth(granted(target("app/a")).stack);
      expect(readdirSync(packages)).toHaveLength(1);
      fullSynth(granted(target("app/a"), target("app/b")).stack);
      expect(readdirSync(packages)).toHaveLength(2);
    });

    test("refuses a key that is not a KMS key ARN", () => {
      const fn = rotationFunction(testStack(), bundle);
      expect(() => fn.grantRotation(target("app/a", { kmsKeyArn: "alias/secrets" }))).toThrow(
        /^kmsKeyArn is "alias\/secrets"; allowed: a KMS key ARN/,
      );
    });

    test("refuses two databases under one key, the same secret twice, and names it must write that are tokens", () => {
      const { stack, fn } = granted(target("app/a"));
      expect(() => fn.grantRotation(target("app/b", { database: { ...database, port: 3307 } }))).toThrow(
        /^databaseKey is "db1", already bound to another database .*; allowed: one key per database$/,
      );
      expect(() => fn.grantRotation(target("app/a"))).toThrow(/^secretName is "app\/a", already bound to this function/);
      const token = new TerraformVariable(stack, "x", {}).stringValue;
      expect(() => fn.grantRotation(target(token, { username: "u" }))).toThrow(/^secretName is a token; allowed: a literal name/);
      expect(() => fn.grantRotation(target("app/c", { databaseKey: token }))).toThrow(/^databaseKey is a token; allowed: a literal/);
      expect(() => fn.grantRotation(target("app/c", { username: token }))).toThrow(/^username is a token; allowed: a literal/);
    });

    test("refuses a grant after the package is built", () => {
      const { stack, fn } = granted(target("app/a"));
      synthesize(stack);
      expect(() => fn.grantRotation(target("app/b"))).toThrow(/is already built: grant rotations before synthesis/);
    });
  });

  test("lets only Secrets Manager invoke it, on behalf of this account", () => {
    const { synthesized, json } = synth();
    const account = dataReference(json, "aws_caller_identity", "account_id");
    expect(synthesized).toHaveDataSource(DataAwsCallerIdentity);
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: "secretsmanager.amazonaws.com",
      source_account: account,
    });
    // Exactly these attributes: no source_arn, no principal_org_id, no event_source_token.
    expect(onlyResource(json, "aws_lambda_permission")).toEqual({
      statement_id: "SecretsManagerOfThisAccount",
      action: "lambda:InvokeFunction",
      function_name: referenceTo(json, "aws_lambda_function", 0, "function_name"),
      principal: "secretsmanager.amazonaws.com",
      source_account: account,
    });
  });

  test("exposes its names and references", () => {
    const fn = rotationFunction(testStack(), bundle);
    expect(fn.functionName).toBe("dev-rotate-alternating");
    expect(fn.roleName).toBe("dev-rotate-alternating");
    expect(fn.logGroupName).toBe("/aws/lambda/dev-rotate-alternating");
    expect(fn.strategy).toBe("alternating-users");
    for (const token of [fn.functionArn, fn.roleArn, fn.securityGroupId]) expect(Token.isUnresolved(token)).toBe(true);
  });

  describe("validation", () => {
    test.each<[string, Partial<RotationFunctionProps>, RegExp]>([
      ["functionName", { functionName: "rotate.me" }, /^functionName is "rotate\.me"; allowed: 1 to 64 letters, digits, - or _$/],
      ["functionName", { functionName: "f".repeat(65) }, /^functionName is "f{65}"; allowed: 1 to 64/],
      ["strategy", { strategy: "dual" as never }, /^strategy is "dual"; allowed: "single-user", "alternating-users"$/],
      ["runtime", { runtime: "nodejs20.x" as never }, /^runtime is "nodejs20\.x"; allowed: "nodejs22\.x", "nodejs24\.x"$/],
      ["runtime", { runtime: "nodejs23.x" as never }, /^runtime is "nodejs23\.x"; allowed: "nodejs22\.x", "nodejs24\.x"$/],
      ["runtime", { runtime: "python3.12" as never }, /^runtime is "python3\.12"; allowed: "nodejs22\.x"/],
      ["timeoutSeconds", { timeoutSeconds: 5 }, /^timeoutSeconds is 5; allowed: an integer from 10 to 900$/],
      ["timeoutSeconds", { timeoutSeconds: 901 }, /^timeoutSeconds is 901; allowed: an integer from 10 to 900$/],
      ["timeoutSeconds", { timeoutSeconds: "60" as never }, /^timeoutSeconds is "60"; allowed: an integer from 10 to 900$/],
      ["passwordLength", { passwordLength: 8 }, /^passwordLength is 8; allowed: an integer from 16 to 128$/],
      [
        "reservedConcurrentExecutions",
        { reservedConcurrentExecutions: 0 },
        /^reservedConcurrentExecutions is 0; allowed: an integer from 1 to 1000$/,
      ],
      [
        "reservedConcurrentExecutions",
        { reservedConcurrentExecutions: 1001 },
        /^reservedConcurrentExecutions is 1001; allowed: an integer from 1 to 1000$/,
      ],
      [
        "reservedConcurrentExecutions",
        { reservedConcurrentExecutions: 2.5 },
        /^reservedConcurrentExecutions is 2\.5; allowed: an integer from 1 to 1000$/,
      ],
      ["excludeCharacters", { excludeCharacters: "" }, /^excludeCharacters is ""; allowed: at least one character/],
      ["logRetentionDays", { logRetentionDays: 2 as never }, /^logRetentionDays is 2; allowed: 1, 3, 5, 7, 14/],
      ["kmsKeyArn", { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:alias/x" }, /^kmsKeyArn is .*; allowed: a KMS key ARN/],
      ["vpcId", { vpcId: "vpc-xyz" }, /^vpcId is "vpc-xyz"; allowed: a VPC ID/],
      ["subnetIds", { subnetIds: [] }, /^subnetIds has 0 item\(s\); allowed: at least 1$/],
      ["subnetIds", { subnetIds: [SUBNET_IDS[0], SUBNET_IDS[0]] }, /^subnetIds lists "subnet-0a1b2c3d" twice/],
      ["subnetIds", { subnetIds: ["subnet-1", SUBNET_IDS[0]] }, /^subnetIds\[0\] is "subnet-1"; allowed: a subnet ID/],
      ["subnetIds", { subnetIds: Token.asList("${var.subnets}") }, /^subnetIds is a list token; allowed: a list of subnet IDs, one item each/],
      ["databaseSecurityGroupId", { databaseSecurityGroupId: "db-sg" }, /^databaseSecurityGroupId is "db-sg"; allowed: a security group ID/],
      ["databasePort", { databasePort: 0 }, /^databasePort is 0; allowed: an integer from 1 to 65535$/],
      ["databasePort", { databasePort: 70000 }, /^databasePort is 70000; allowed: an integer from 1 to 65535$/],
      [
        "secretsManagerEndpointSecurityGroupId",
        { secretsManagerEndpointSecurityGroupId: "vpce-123" },
        /^secretsManagerEndpointSecurityGroupId is "vpce-123"; allowed: a security group ID/,
      ],
    ])("rejects an invalid %s", (_field, overrides, message) => {
      expect(() => rotationFunction(testStack(), bundle, overrides)).toThrow(message);
    });

    test("rejects a bundle that is not JavaScript or cannot be read", () => {
      expect(() => rotationFunction(testStack(), bundle, { bundle: { codePath: "/tmp/bundle.zip" } })).toThrow(
        /^bundle\.codePath is "\/tmp\/bundle\.zip"; allowed: a path ending in \.js$/,
      );
      expect(() => rotationFunction(testStack(), bundle, { bundle: { codePath: "/nonexistent/index.js" } })).toThrow(
        /^bundle\.codePath is "\/nonexistent\/index\.js", which cannot be read \(ENOENT\); allowed: the bundled index\.js/,
      );
    });

    test("accepts tokens for the network identifiers and the port", () => {
      const stack = testStack();
      const variable = (name: string) => new TerraformVariable(stack, name, {});
      rotationFunction(stack, bundle, {
        vpcId: variable("vpc").stringValue,
        subnetIds: [variable("a").stringValue, variable("b").stringValue],
        databaseSecurityGroupId: variable("sg").stringValue,
        databasePort: variable("port").numberValue,
      });
      const { json } = synthesize(stack);
      expect(onlyResource(json, "aws_lambda_function").vpc_config.subnet_ids).toEqual(["${var.a}", "${var.b}"]);
      expect(resources(json, "aws_vpc_security_group_egress_rule")[0]).toMatchObject({
        from_port: "${var.port}",
        referenced_security_group_id: "${var.sg}",
      });
    });
  });
});
