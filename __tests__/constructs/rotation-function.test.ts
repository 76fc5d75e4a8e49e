import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformVariable, Testing, Token } from "cdktf";
import type { PolicyStatement } from "../../constructs/policy-document";
import type { RotationFunctionProps } from "../../constructs/rotation-function";
import {
  DATABASE_SG,
  ENDPOINT_SG,
  KEY_ARN,
  rotationFunction,
  SUBNET_IDS,
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

describe("RotationFunction", () => {
  describe("the Lambda function", () => {
    test("has the defaults: Node.js 22 on arm64, 256 MB, 60 s, X-Ray, JSON logs to its own group", () => {
      const { synthesized, json } = synth();
      const fn = onlyResource(json, "aws_lambda_function");
      expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
        function_name: "dev-rotate-alternating",
        handler: "index.handler",
        runtime: "nodejs22.x",
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

    test("sets the strategy, the password length and the CA bundle, and no exclusion list unless configured", () => {
      // `environment` is compared exactly: no EXCLUDE_CHARACTERS, no other variable.
      expect(synth().synthesized).toHaveResourceWithProperties(LambdaFunction, {
        environment: {
          variables: {
            ROTATION_STRATEGY: "alternating-users",
            PASSWORD_LENGTH: "32",
            DB_CA_BUNDLE: "/var/runtime/ca-cert.pem",
          },
        },
      });
    });

    test("passes the configured runtime, timeout, password length and excluded characters", () => {
      const { synthesized } = synth({
        strategy: "single-user",
        runtime: "nodejs24.x",
        timeoutSeconds: 120,
        passwordLength: 48,
        excludeCharacters: "/@\"'\\",
      });
      expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
        runtime: "nodejs24.x",
        timeout: 120,
        environment: {
          variables: {
            ROTATION_STRATEGY: "single-user",
            PASSWORD_LENGTH: "48",
            DB_CA_BUNDLE: "/var/runtime/ca-cert.pem",
            EXCLUDE_CHARACTERS: "/@\"'\\",
          },
        },
      });
    });

    test("reserves the configured concurrency", () => {
      expect(synth({ reservedConcurrentExecutions: 5 }).synthesized).toHaveResourceWithProperties(LambdaFunction, {
        reserved_concurrent_executions: 5,
      });
    });

    test("references the zip by a path relative to the stack, with the given hash", () => {
      const fn = onlyResource(synth().json, "aws_lambda_function");
      expect(fn.source_code_hash).toBe(bundle.sha256Base64);
      expect(path.isAbsolute(fn.filename)).toBe(false);
      expect(fn.filename).toMatch(/^assets\/.+\/rotation-function\.zip$/);
    });

    test("copies the zip into the stack's directory at that relative path", () => {
      const stack = testStack();
      rotationFunction(stack, bundle);
      const outdir = Testing.fullSynth(stack);
      try {
        const stackDir = path.join(outdir, "stacks", "test");
        const json = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as SynthesizedStack;
        const copied = path.join(stackDir, onlyResource(json, "aws_lambda_function").filename);
        expect(existsSync(copied)).toBe(true);
        expect(readFileSync(copied)).toEqual(readFileSync(bundle.zipPath));
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

    test("uses the * resource only for actions that support no other: ENI/subnet describe, passwords, traces", () => {
      const statements = policyNamed(synth().json, "rotation-function-base");
      const wildcard = statements.filter((s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*")));
      expect(wildcard.map((s) => s.Action)).toEqual([
        ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        "secretsmanager:GetRandomPassword",
        ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/secretsmanager:(Get|Put|Describe|Update)Secret/);
    });

    test("has no permission on any secret until a rotation is granted", () => {
      const { json } = synth();
      expect(resources(json, "aws_iam_role_policy").map((p) => p.name)).toEqual(["rotation-function-base"]);
    });
  });

  describe("grantRotation", () => {
    const SECRET_A = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/a-AbCdEf";
    const SECRET_B = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/b-GhIjKl";
    const MASTER = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0123-XyZaBc";

    test("lets the function rotate exactly the granted secrets and read their master secret", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      const first = fn.grantRotation({ secretArn: SECRET_A, masterSecretArn: MASTER });
      const second = fn.grantRotation({ secretArn: SECRET_B, masterSecretArn: MASTER });
      expect(second).toBe(first);
      const { json } = synthesize(stack);
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
          Resource: [SECRET_A, SECRET_B],
        },
        { Sid: "ReadMasterSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [MASTER] },
      ]);
    });

    test("lets it use a customer-managed key only through Secrets Manager and for those secrets", () => {
      const stack = testStack();
      const fn = rotationFunction(stack, bundle);
      fn.grantRotation({ secretArn: SECRET_A, masterSecretArn: MASTER, kmsKeyArn: KEY_ARN });
      const { json } = synthesize(stack);
      const region = dataReference(json, "aws_region", "region");
      const suffix = dataReference(json, "aws_partition", "dns_suffix");
      expect(policyNamed(json, "rotated-secrets")[2]).toEqual({
        Sid: "UseKeysThroughSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [KEY_ARN],
        Condition: {
          StringEquals: {
            "kms:ViaService": `secretsmanager.${region}.${suffix}`,
            "kms:EncryptionContext:SecretARN": [SECRET_A, MASTER],
          },
        },
      });
    });

    test("rejects a key that is not a KMS key ARN", () => {
      const fn = rotationFunction(testStack(), bundle);
      expect(() => fn.grantRotation({ secretArn: SECRET_A, kmsKeyArn: "alias/secrets" })).toThrow(
        /^kmsKeyArn is "alias\/secrets"; allowed: a KMS key ARN/,
      );
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
      ["runtime", { runtime: "nodejs20.x" }, /^runtime is "nodejs20\.x"; allowed: nodejs22\.x or a newer nodejs<NN>\.x$/],
      ["runtime", { runtime: "python3.12" }, /^runtime is "python3\.12"; allowed: nodejs22\.x/],
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

    test("rejects a bundle that is not a zip, is missing, or whose hash is not the file's", () => {
      const props = (b: Partial<TestBundle>) => ({ bundle: { zipPath: bundle.zipPath, sha256Base64: bundle.sha256Base64, ...b } });
      expect(() => rotationFunction(testStack(), bundle, props({ zipPath: "/tmp/bundle.tar" }))).toThrow(
        /^bundle\.zipPath is "\/tmp\/bundle\.tar"; allowed: a path ending in \.zip$/,
      );
      expect(() => rotationFunction(testStack(), bundle, props({ zipPath: "/nonexistent/x.zip" }))).toThrow(
        /^bundle\.zipPath is "\/nonexistent\/x\.zip", which cannot be read \(ENOENT\); allowed: an existing zip file$/,
      );
      expect(() => rotationFunction(testStack(), bundle, props({ sha256Base64: "abc" }))).toThrow(
        /^bundle\.sha256Base64 is "abc"; allowed: a base64 SHA-256/,
      );
      const otherHash = Buffer.alloc(32, 7).toString("base64");
      expect(() => rotationFunction(testStack(), bundle, props({ sha256Base64: otherHash }))).toThrow(
        `bundle.sha256Base64 is ${otherHash} but the zip's SHA-256 is ${bundle.sha256Base64}; allowed: the hash of bundle.zipPath (rebuild the bundle)`,
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
