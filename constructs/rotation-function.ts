import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { AssetType, type ITerraformDependable, Lazy, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { ROTATION_STRATEGIES, type RotationStrategy } from "../shared/secret-contract";
import { type RotationBundle, RotationBundleSchema } from "./rotation-bundle";
import { awsIdentifier, lambdaFunctionName, logRetentionDays } from "./aws-formats";
import { AwsContext } from "./aws-context";
import { keyUseThroughSecretsManager } from "./encryption-key";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { serviceRole } from "./service-role";
import { integer, list, oneOf, stringWhere } from "./field-schemas";
import { settings } from "./settings-schema";
import { checkValue, invalid, parseProps } from "./validation";

const NODE_RUNTIME = /^nodejs(\d+)\.x$/;
const MIN_NODE_MAJOR = 22;

/** Props of {@link RotationFunction}. */
export const RotationFunctionPropsSchema = settings({
  /**
   * Name of the function, also used for its IAM role and its security group, and in
   * its log group `/aws/lambda/<name>`: 1–64 letters, digits, `-` or `_`.
   */
  functionName: lambdaFunctionName(),
  /** The rotation strategy this deployment runs (environment variable `ROTATION_STRATEGY`). */
  strategy: oneOf(ROTATION_STRATEGIES),
  /**
   * The deployment package built by `scripts/build-lambda.ts`: the zip (absolute, or
   * relative to the working directory) and the base64 SHA-256 of its bytes, which must
   * match the file. The zip is copied into the stack's `assets/` directory and
   * referenced by a path relative to the stack, so the synthesized Terraform can be
   * planned from any checkout.
   */
  bundle: RotationBundleSchema,
  /**
   * Lambda runtime: `nodejs22.x` or a newer `nodejs<NN>.x`.
   * @default "nodejs22.x"
   */
  runtime: v.optional(
    stringWhere(`nodejs${MIN_NODE_MAJOR}.x or a newer nodejs<NN>.x`, (runtime) => {
      const major = NODE_RUNTIME.exec(runtime)?.[1];
      return major !== undefined && Number(major) >= MIN_NODE_MAJOR;
    }),
    "nodejs22.x",
  ),
  /**
   * Timeout of one invocation (one rotation step), 10–900 seconds.
   * @default 60
   */
  timeoutSeconds: v.optional(integer(10, 900), 60),
  /**
   * Length of generated passwords, 16–128 (environment variable `PASSWORD_LENGTH`).
   * @default 32
   */
  passwordLength: v.optional(integer(16, 128), 32),
  /**
   * Characters generated passwords must not contain (environment variable
   * `EXCLUDE_CHARACTERS`), at least one character.
   * @default undefined: the variable is not set and the function's own safe default applies
   */
  excludeCharacters: v.optional(stringWhere("at least one character, or leave it unset", (s) => s.length > 0)),
  /**
   * Concurrent executions reserved for the function, 1–1000: they are always available to
   * it, and they cap it, so at most that many rotation steps reach the database at once.
   * Rotations beyond the cap are throttled: reserve at least as many as secrets may rotate
   * at the same time. Lambda refuses a reservation that leaves fewer than 100 of the
   * account's concurrent executions unreserved, so an account with a small quota (new
   * accounts often have 10) can reserve nothing.
   * @default undefined: no reservation, the function draws on the account's unreserved pool
   */
  reservedConcurrentExecutions: v.optional(integer(1, 1000)),
  /** Retention of the function's log group in days: a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...). */
  logRetentionDays: logRetentionDays(),
  /**
   * ARN of the customer-managed KMS key that encrypts the log group. Its key policy
   * must let CloudWatch Logs use it.
   * @default undefined: CloudWatch Logs' own encryption (`kms_key_id` omitted)
   */
  kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
  /** ID of the VPC the function runs in. */
  vpcId: awsIdentifier("vpc-id"),
  /**
   * Private subnets the function's network interfaces are placed in: at least one, all
   * different, each a separate string (a subnet ID or a string token), not a list token,
   * because the execution role names each subnet's ARN.
   */
  subnetIds: list(awsIdentifier("subnet-id"), "subnet IDs", { min: 1 }),
  /** Security group of the database: the function's only egress besides Secrets Manager. */
  databaseSecurityGroupId: awsIdentifier("security-group-id"),
  /** Port the database listens on, 1–65535. */
  databasePort: integer(1, 65535, { tokens: true }),
  /**
   * Security group of the Secrets Manager interface endpoint. With it, HTTPS egress goes
   * only to that group, and the endpoint's private DNS name resolves to it.
   * @default undefined: the subnets reach Secrets Manager's public endpoint through a NAT
   * gateway, whose addresses are not fixed and have no managed prefix list, so HTTPS
   * egress is allowed to 0.0.0.0/0 (port 443 only)
   */
  secretsManagerEndpointSecurityGroupId: v.optional(awsIdentifier("security-group-id")),
});

/** Props of {@link RotationFunction}. */
export type RotationFunctionProps = v.InferInput<typeof RotationFunctionPropsSchema>;

/** One secret that the function rotates, for {@link RotationFunction.grantRotation}. */
export interface RotationTarget {
  /** ARN of the secret to rotate. */
  readonly secretArn: string;
  /**
   * ARN of the secret with the master (admin) credentials, e.g. the RDS-managed master
   * secret: the function reads it to create the application user on the first rotation
   * and, with alternating users, to create the clone and set passwords.
   * @default undefined: no master secret is read
   */
  readonly masterSecretArn?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the secret and the master secret.
   * @default undefined: the AWS-managed `aws/secretsmanager` key, no KMS statement
   */
  readonly kmsKeyArn?: string;
}

/** The CA bundle of Lambda's Node.js runtimes, which includes the RDS certificate authorities. */
const LAMBDA_CA_BUNDLE = "/var/runtime/ca-cert.pem";
const MEMORY_MB = 256;

/**
 * The rotation Lambda for one strategy, in the VPC next to the database.
 *
 * - Code: the deterministic zip as a file asset (relative `filename`), its hash as `source_code_hash`.
 * - Network: its own security group with egress ONLY to the database port of the database
 *   security group and to HTTPS (the Secrets Manager endpoint group, or 0.0.0.0/0 behind a NAT).
 *   The database and endpoint groups must allow ingress from {@link securityGroupId}.
 * - Execution role: trusted by Lambda for this account only; writes its own log group;
 *   creates network interfaces only in its subnets with its security group; calls
 *   `GetRandomPassword`; sends X-Ray traces; rotates exactly the secrets given to
 *   {@link grantRotation}.
 * - Invocation: only Secrets Manager, on behalf of this account.
 * - Concurrency: reserved when {@link RotationFunctionProps.reservedConcurrentExecutions}
 *   is given (Checkov CKV_AWS_115); unset, the function shares the account's unreserved
 *   pool, the only choice in an account with a small concurrency quota.
 *
 * Checkov findings deliberately left open:
 * - CKV_AWS_116 (dead-letter queue): Secrets Manager invokes rotation synchronously, so a
 *   DLQ (which only receives failed asynchronous events) would stay empty; failures
 *   surface as `RotationFailed` events and as the function's `Errors` metric instead.
 * - CKV_AWS_272 (code signing): the zip is built reproducibly from the reviewed sources
 *   and pinned by its SHA-256 in `source_code_hash`; there is no signing profile.
 * - CKV_AWS_173 (environment variables encrypted with a customer key): the variables hold
 *   no secret, Lambda encrypts them at rest with its own key, and the environment's key
 *   policy lets principals use the key only through Secrets Manager and RDS.
 */
export class RotationFunction extends Construct {
  /** ARN of the function: the secrets' `rotation_lambda_arn`. */
  public readonly functionArn: string;
  /** Name of the function, as given. */
  public readonly functionName: string;
  /** The strategy this deployment runs. */
  public readonly strategy: RotationStrategy;
  /** ID of the function's security group: give the database and the endpoint ingress from it. */
  public readonly securityGroupId: string;
  /** ARN of the execution role. */
  public readonly roleArn: string;
  /** Name of the execution role (the function's name). */
  public readonly roleName: string;
  /** Name of the log group, `/aws/lambda/<functionName>`. */
  public readonly logGroupName: string;
  /** The permission letting Secrets Manager invoke the function: a rotation schedule must wait for it. */
  public readonly invokePermission: ITerraformDependable;

  private readonly role: IamRole;
  private readonly targets: RotationTarget[] = [];
  private rotationPolicy: IamRolePolicy | undefined;

  constructor(scope: Construct, id: string, functionProps: RotationFunctionProps) {
    super(scope, id);
    const props = parseProps(RotationFunctionPropsSchema, functionProps);
    const { runtime, timeoutSeconds, passwordLength } = props;
    const code = checkBundle(props.bundle);

    const context = AwsContext.of(this);
    this.functionName = props.functionName;
    this.strategy = props.strategy;
    this.roleName = props.functionName;
    this.logGroupName = `/aws/lambda/${props.functionName}`;

    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: props.functionName,
      description: `Rotation function ${props.functionName}: egress to the database and Secrets Manager only`,
      vpcId: props.vpcId,
    });
    this.securityGroupId = securityGroup.id;
    const databaseEgress = new VpcSecurityGroupEgressRule(this, "DatabaseEgress", {
      securityGroupId: securityGroup.id,
      description: "Database port, to the database security group",
      ipProtocol: "tcp",
      fromPort: props.databasePort,
      toPort: props.databasePort,
      referencedSecurityGroupId: props.databaseSecurityGroupId,
    });
    const secretsManagerEgress = new VpcSecurityGroupEgressRule(this, "SecretsManagerEgress", {
      securityGroupId: securityGroup.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      ...(props.secretsManagerEndpointSecurityGroupId !== undefined
        ? {
            description: "HTTPS to the Secrets Manager interface endpoint",
            referencedSecurityGroupId: props.secretsManagerEndpointSecurityGroupId,
          }
        : {
            description: "HTTPS to Secrets Manager's public endpoint through the NAT gateway",
            cidrIpv4: "0.0.0.0/0",
          }),
    });

    this.role = serviceRole(this, "Role", {
      name: this.roleName,
      description: `Execution role of the rotation function ${props.functionName}`,
      servicePrincipal: "lambda.amazonaws.com",
      trustSid: "LambdaOfThisAccount",
    });
    this.roleArn = this.role.arn;

    const subnetArns = props.subnetIds.map((subnetId) => context.arn("ec2", `subnet/${subnetId}`));
    const networkInterfaces = context.arn("ec2", "network-interface/*");
    const basePolicy = new IamRolePolicy(this, "BasePolicy", {
      role: this.role.name,
      name: "rotation-function-base",
      policy: policyDocument([
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logGroup.arn}:*`,
        },
        {
          Sid: "CreateNetworkInterfacesInOwnSubnets",
          Effect: "Allow",
          Action: "ec2:CreateNetworkInterface",
          Resource: networkInterfaces,
          Condition: { ArnEquals: { "ec2:Subnet": subnetArns } },
        },
        {
          Sid: "UseOwnSubnetsAndSecurityGroup",
          Effect: "Allow",
          Action: "ec2:CreateNetworkInterface",
          Resource: [...subnetArns, context.arn("ec2", `security-group/${securityGroup.id}`)],
        },
        {
          // Lambda's documentation asks for DeleteNetworkInterface on a specific interface
          // or on all of them, or the function may lose VPC access: all of this account's
          // interfaces in this region, without a subnet condition.
          Sid: "ManageNetworkInterfaces",
          Effect: "Allow",
          Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
          Resource: networkInterfaces,
        },
        {
          // Describe calls support no resource-level permissions.
          Sid: "DescribeNetwork",
          Effect: "Allow",
          Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
          Resource: "*",
        },
        {
          // GetRandomPassword acts on no resource.
          Sid: "GeneratePasswords",
          Effect: "Allow",
          Action: "secretsmanager:GetRandomPassword",
          Resource: "*",
        },
        {
          // X-Ray supports no resource-level permissions.
          Sid: "WriteTraces",
          Effect: "Allow",
          Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          Resource: "*",
        },
      ]),
    });

    const asset = new TerraformAsset(this, "Bundle", { path: code.zipPath, type: AssetType.FILE });
    const fn = new LambdaFunction(this, "Function", {
      functionName: props.functionName,
      description: `Rotates database credential secrets (${props.strategy})`,
      role: this.role.arn,
      filename: asset.path,
      sourceCodeHash: code.sha256Base64,
      handler: "index.handler",
      runtime,
      architectures: ["arm64"],
      memorySize: MEMORY_MB,
      timeout: timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        variables: {
          ROTATION_STRATEGY: props.strategy,
          PASSWORD_LENGTH: String(passwordLength),
          DB_CA_BUNDLE: LAMBDA_CA_BUNDLE,
          ...(props.excludeCharacters !== undefined ? { EXCLUDE_CHARACTERS: props.excludeCharacters } : {}),
        },
      },
      vpcConfig: { subnetIds: [...props.subnetIds], securityGroupIds: [securityGroup.id] },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      // Lambda checks the network permissions when it creates the function; and whatever
      // uses the function (a rotation that starts at once) needs its egress in place.
      dependsOn: [basePolicy, databaseEgress, secretsManagerEgress],
    });
    this.functionArn = fn.arn;

    this.invokePermission = new LambdaPermission(this, "SecretsManagerInvoke", {
      statementId: "SecretsManagerOfThisAccount",
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceAccount: context.accountId,
    });
  }

  /**
   * Lets the function rotate one more secret: `DescribeSecret`, `GetSecretValue`,
   * `PutSecretValue` and `UpdateSecretVersionStage` on exactly that secret,
   * `GetSecretValue` on its master secret, and `kms:Decrypt`/`kms:GenerateDataKey` on a
   * customer-managed key only through Secrets Manager and only for those secrets.
   *
   * Every grant goes into ONE inline policy of the role, so the number of rotated secrets
   * is not bounded by the limit of attached policies per role. The returned resource is
   * that policy: a rotation schedule must depend on it.
   */
  public grantRotation(target: RotationTarget): ITerraformDependable {
    checkValue("kmsKeyArn", v.optional(awsIdentifier("kms-key-arn")), target.kmsKeyArn);
    this.targets.push(target);
    this.rotationPolicy ??= new IamRolePolicy(this, "RotatedSecretsPolicy", {
      role: this.role.name,
      name: "rotated-secrets",
      policy: Lazy.stringValue({ produce: () => policyDocument(this.rotationStatements()) }),
    });
    return this.rotationPolicy;
  }

  private rotationStatements(): PolicyStatement[] {
    const distinct = (values: (string | undefined)[]): string[] =>
      [...new Set(values)].filter((v): v is string => v !== undefined);
    const secretArns = distinct(this.targets.map((t) => t.secretArn));
    const masterSecretArns = distinct(this.targets.map((t) => t.masterSecretArn));
    const keyArns = distinct(this.targets.map((t) => t.kmsKeyArn));
    const statements: PolicyStatement[] = [
      {
        Sid: "RotateSecrets",
        Effect: "Allow",
        Action: [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ],
        Resource: secretArns,
      },
    ];
    if (masterSecretArns.length > 0) {
      statements.push({
        Sid: "ReadMasterSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: masterSecretArns,
      });
    }
    if (keyArns.length > 0) {
      statements.push(
        keyUseThroughSecretsManager(this, {
          Sid: "UseKeysThroughSecretsManager",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: keyArns,
          secretArns: [...secretArns, ...masterSecretArns],
        }),
      );
    }
    return statements;
  }
}

/** The bundle with an absolute path, after checking that its hash is the file's. */
function checkBundle(bundle: RotationBundle): RotationBundle {
  const zipPath = path.resolve(bundle.zipPath);
  let bytes: Buffer;
  try {
    bytes = readFileSync(zipPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(
      "bundle.zipPath",
      `is ${JSON.stringify(bundle.zipPath)}, which cannot be read (${code}); allowed: an existing zip file`,
    );
  }
  const actual = createHash("sha256").update(bytes).digest("base64");
  if (actual !== bundle.sha256Base64) {
    throw invalid(
      "bundle.sha256Base64",
      `is ${bundle.sha256Base64} but the zip's SHA-256 is ${actual}; allowed: the hash of bundle.zipPath (rebuild the bundle)`,
    );
  }
  return { zipPath, sha256Base64: bundle.sha256Base64 };
}
