import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, type ITerraformDependable, Lazy } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { DATABASE_BINDINGS_VARIABLE, type DatabaseBinding } from "../shared/rotation-binding";
import { PRIVILEGES, ROTATION_STRATEGIES, type RotationStrategy } from "../shared/secret-contract";
import { awsIdentifier, lambdaFunctionName, logRetentionDays } from "./aws-formats";
import { AwsContext } from "./aws-context";
import { DEFAULT_ROTATION_RUNTIME, ROTATION_RUNTIMES, RotationBundleSchema } from "./rotation-bundle";
import { RotationDeploymentPackage } from "./rotation-deployment-package";
import { RotationExecutionPolicy } from "./rotation-execution-policy";
import { serviceRole } from "./service-role";
import { integer, list, literalString, oneOf, stringWhere } from "./field-schemas";
import { settings } from "./settings-schema";
import { allowed, invalid, parseProps, show } from "./validation";

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
   * The bundled function built by `scripts/build-lambda.ts`. The construct packs it with
   * the bindings of the secrets granted to it into a deployment package of its own.
   */
  bundle: RotationBundleSchema,
  /**
   * Lambda runtime: `nodejs22.x` or `nodejs24.x`; the bundle runs on both.
   * @default "nodejs24.x"
   */
  runtime: v.optional(oneOf(ROTATION_RUNTIMES), DEFAULT_ROTATION_RUNTIME),
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
   * at the same time.
   *
   * Quota: Lambda refuses a reservation that leaves fewer than 100 of the account's
   * concurrent executions unreserved, so the region's "Concurrent executions" quota must
   * be at least 100 plus every reservation in the account, this one included. New
   * accounts often start at 10, where any reservation fails the apply after the function
   * is created; raise the quota (Service Quotas, Lambda) first.
   * @default undefined: no reservation; the function draws on the account's unreserved pool
   */
  reservedConcurrentExecutions: v.optional(integer(1, 1000)),
  /** Retention of the function's log group in days: a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...). */
  logRetentionDays: logRetentionDays(),
  /**
   * ARN of the customer-managed KMS key that encrypts the log group and the function's
   * environment variables. Its key policy must let CloudWatch Logs use it, and let the
   * account's principals use it through Lambda (as the policy of an `EncryptionKey` does).
   * @default undefined: CloudWatch Logs' and Lambda's own encryption
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
export const RotationTargetSchema = settings({
  /**
   * Name of the secret, a literal: the key of its binding in the deployment package, and
   * what the execution role reaches it by.
   */
  secretName: literalString("a literal name (the role reaches its secrets by name)"),
  /**
   * Key of the secret's database in the function's database bindings, a literal: the DB
   * instance or cluster identifier. Every secret of one database names it with the same key.
   */
  databaseKey: literalString("a literal (it is written into the deployment package)"),
  /** The database: engine, endpoint, database name, RDS-managed master secret, TLS. */
  database: v.custom<DatabaseBinding>(
    (value) => typeof value === "object" && value !== null,
    allowed("a database binding: engine, host, port, dbname, masterSecretArn, tls"),
  ),
  /** The application user, a literal (alternating users: the base name; the clone is `<username>_clone`). */
  username: literalString("a literal (it is written into the deployment package)"),
  /** Exactly the privileges the user holds on the database after every rotation: at least one of SELECT, INSERT, UPDATE, DELETE. */
  privileges: list(oneOf(PRIVILEGES), `privileges, each one of ${PRIVILEGES.map(show).join(", ")}`, { min: 1 }),
  /**
   * ARN of the customer-managed KMS key that encrypts the secret and the master secret.
   * @default undefined: the AWS-managed `aws/secretsmanager` key, no KMS statement
   */
  kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
});

/** One secret that the function rotates, for {@link RotationFunction.grantRotation}. */
export type RotationTarget = v.InferInput<typeof RotationTargetSchema>;

/** The CA bundle of Lambda's Node.js runtimes, which includes the RDS certificate authorities. */
const LAMBDA_CA_BUNDLE = "/var/runtime/ca-cert.pem";
const MEMORY_MB = 256;

/**
 * The rotation Lambda for one strategy, in the VPC next to the database.
 *
 * - Code: a deployment package of its own, the bundle and the bindings of the secrets
 *   granted to it ({@link RotationDeploymentPackage}); the databases they live in are
 *   bound in its environment variable `ROTATION_DATABASES`. Only whoever can change the
 *   function can change either.
 * - Network: its own security group with egress ONLY to the database port of the database
 *   security group and to HTTPS (the Secrets Manager endpoint group, or 0.0.0.0/0 behind a NAT).
 *   The database and endpoint groups must allow ingress from {@link securityGroupId}.
 * - Execution role: trusted by Lambda for this account only; writes its own log group;
 *   creates network interfaces only in its subnets with its security group; sends X-Ray
 *   traces; rotates the secrets given to {@link grantRotation}, reached by name pattern
 *   ({@link RotationExecutionPolicy}). It generates passwords itself: no action on `*`
 *   in Secrets Manager.
 * - Invocation: only Secrets Manager, on behalf of this account.
 * - Concurrency: reserved when {@link RotationFunctionProps.reservedConcurrentExecutions}
 *   is given (Checkov CKV_AWS_115); unset, the function shares the account's unreserved
 *   pool, the only choice in an account with a small concurrency quota.
 * - Encryption: the log group and the environment with the customer-managed key when
 *   one is given (Checkov CKV_AWS_158, CKV_AWS_173).
 *
 * Checkov findings deliberately left open:
 * - CKV_AWS_116 (dead-letter queue): Secrets Manager invokes rotation synchronously, so a
 *   DLQ (which only receives failed asynchronous events) would stay empty; failures
 *   surface as `RotationFailed` events and as the function's `Errors` metric instead.
 * - CKV_AWS_272 (code signing): the package is built reproducibly from the reviewed
 *   sources and pinned by its SHA-256 in `source_code_hash`; there is no signing profile.
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

  private readonly executionPolicy: RotationExecutionPolicy;
  private readonly deploymentPackage: RotationDeploymentPackage;
  private readonly databases = new Map<string, DatabaseBinding>();
  /** The function's own part of what a rotation must wait for (see {@link grantRotation}). */
  private readonly prerequisites: ITerraformDependable[];

  constructor(scope: Construct, id: string, functionProps: RotationFunctionProps) {
    super(scope, id);
    const props = parseProps(RotationFunctionPropsSchema, functionProps);
    const { runtime, timeoutSeconds, passwordLength } = props;
    this.deploymentPackage = new RotationDeploymentPackage(this, "Bundle", props.bundle, props.strategy);

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

    const role = serviceRole(this, "Role", {
      name: this.roleName,
      description: `Execution role of the rotation function ${props.functionName}`,
      servicePrincipal: "lambda.amazonaws.com",
      trustSid: "LambdaOfThisAccount",
    });
    this.roleArn = role.arn;
    this.executionPolicy = new RotationExecutionPolicy(this, {
      role,
      functionName: props.functionName,
      logGroupArn: logGroup.arn,
      subnetIds: props.subnetIds,
      securityGroupId: securityGroup.id,
      environmentKmsKeyArn: props.kmsKeyArn,
    });

    const fn = new LambdaFunction(this, "Function", {
      functionName: props.functionName,
      description: `Rotates database credential secrets (${props.strategy})`,
      role: role.arn,
      filename: this.deploymentPackage.filename,
      sourceCodeHash: this.deploymentPackage.sha256Base64,
      handler: "index.handler",
      runtime,
      architectures: ["arm64"],
      memorySize: MEMORY_MB,
      timeout: timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: {
          ROTATION_STRATEGY: props.strategy,
          PASSWORD_LENGTH: String(passwordLength),
          DB_CA_BUNDLE: LAMBDA_CA_BUNDLE,
          [DATABASE_BINDINGS_VARIABLE]: Lazy.stringValue({ produce: () => Fn.jsonencode(this.databaseBindings()) }),
          ...(props.excludeCharacters !== undefined ? { EXCLUDE_CHARACTERS: props.excludeCharacters } : {}),
        },
      },
      vpcConfig: { subnetIds: [...props.subnetIds], securityGroupIds: [securityGroup.id] },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      // Lambda checks the network permissions when it creates the function; and whatever
      // uses the function (a rotation that starts at once) needs its egress in place.
      dependsOn: [this.executionPolicy.basePolicy, databaseEgress, secretsManagerEgress],
    });
    this.functionArn = fn.arn;

    const invokePermission = new LambdaPermission(this, "SecretsManagerInvoke", {
      statementId: "SecretsManagerOfThisAccount",
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceAccount: context.accountId,
    });
    this.prerequisites = [this.executionPolicy.basePolicy, invokePermission, databaseEgress, secretsManagerEgress];
  }

  /**
   * Lets the function rotate one more secret: binds it in the deployment package (user,
   * privileges, database key) and its database in `ROTATION_DATABASES`, and lets the role
   * `DescribeSecret`, `GetSecretValue`, `PutSecretValue` and `UpdateSecretVersionStage` on
   * it, `GetSecretValue` on its master secret, and `kms:Decrypt`/`kms:GenerateDataKey` on a
   * customer-managed key only through Secrets Manager and only for those secrets.
   *
   * Returns what a rotation schedule of the secret must depend on, because creating the
   * schedule starts a rotation at once: the role's policies, the permission letting Secrets
   * Manager invoke the function, and the function's egress rules. (IAM changes take a few
   * seconds to reach every endpoint; a first attempt that runs before is retried by Secrets
   * Manager, and every step is idempotent.)
   */
  public grantRotation(rotationTarget: RotationTarget): readonly ITerraformDependable[] {
    const target = parseProps(RotationTargetSchema, rotationTarget);
    this.bindDatabase(target.databaseKey, target.database);
    const policy = this.executionPolicy.grant({
      secretName: target.secretName,
      masterSecretArn: target.database.masterSecretArn,
      kmsKeyArn: target.kmsKeyArn,
    });
    this.deploymentPackage.addSecret(target.secretName, {
      database: target.databaseKey,
      username: target.username,
      privileges: target.privileges,
    });
    return [...this.prerequisites, policy];
  }

  /** Registers a database under its key; a key names one database. */
  private bindDatabase(key: string, database: DatabaseBinding): void {
    const bound = this.databases.get(key);
    if (bound === undefined) {
      this.databases.set(key, database);
    } else if (JSON.stringify(bound) !== JSON.stringify(database)) {
      throw invalid(
        "databaseKey",
        `is ${show(key)}, already bound to another database (engine, endpoint, name, master secret or TLS differ); allowed: one key per database`,
      );
    }
  }

  /** The database bindings, keys sorted and fields in a fixed order, so the same databases give the same text. */
  private databaseBindings(): Record<string, DatabaseBinding> {
    return Object.fromEntries(
      [...this.databases.keys()].sort().map((key) => {
        const { engine, host, port, dbname, masterSecretArn, tls } = this.databases.get(key)!;
        return [key, { engine, host, port, dbname, masterSecretArn, tls }];
      }),
    );
  }
}
