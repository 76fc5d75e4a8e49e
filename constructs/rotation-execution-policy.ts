import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import { AwsContext } from "./aws-context";
import { keyUseThroughSecretsManager } from "./encryption-key";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { patternCoversSecret, SecretNamePatterns } from "./secret-name-patterns";
import { reachedSecretProblem, type SecretReach, StackSecrets } from "./stack-secrets";
import { describeProblem, invalid, show } from "./validation";

/** Props of {@link RotationExecutionPolicy}. */
export interface RotationExecutionPolicyProps {
  /** The function's execution role. */
  readonly role: IamRole;
  /** Name of the function, for messages. */
  readonly functionName: string;
  /** ARN of the function's log group. */
  readonly logGroupArn: string;
  /** The function's subnets (IDs or string tokens). */
  readonly subnetIds: readonly string[];
  /** ID of the function's security group. */
  readonly securityGroupId: string;
  /**
   * The customer-managed key that encrypts the function's environment.
   * @default undefined: Lambda's own key, no statement
   */
  readonly environmentKmsKeyArn?: string;
}

/** One more secret for the role, see {@link RotationExecutionPolicy.grant}. */
export interface RotatedSecretAccess {
  /** Name of the secret: a literal (`RotationFunction` checks it), because the role reaches the secret by name pattern. */
  readonly secretName: string;
  /** ARN of the secret with the master credentials that the function reads. */
  readonly masterSecretArn: string;
  /**
   * ARN of the customer-managed key of the secret and of the master secret.
   * @default undefined: the AWS-managed `aws/secretsmanager` key, no KMS statement
   */
  readonly kmsKeyArn?: string;
}

/**
 * The execution role's two inline policies, created in the function's scope:
 *
 * - `rotation-function-base`: its own log group, its network interfaces (only in its
 *   subnets with its security group), X-Ray, and the key of its environment through Lambda.
 * - `rotated-secrets`, from the first {@link grant}: Describe/Get/Put/UpdateSecretVersionStage
 *   on the secrets it rotates, GetSecretValue on their master secrets, and their key only
 *   through Secrets Manager for those secrets.
 *
 * The secrets are reached by name pattern ({@link SecretNamePatterns}), one per name path,
 * so the policy's size does not grow with the number of secrets: a role's inline policies
 * may hold 10,240 characters in all, which a list of ARNs (about 200 characters a secret
 * with the key's encryption context) exceeds at about 50 secrets. The patterns must reach
 * no other secret of the stack: {@link grant} refuses a secret whose name would let this
 * role or another function's role reach a secret it does not rotate, and a synth-time
 * validation checks the stack's final set of secrets. The function itself acts only on the
 * secrets bound to it in its deployment package.
 */
export class RotationExecutionPolicy implements SecretReach {
  public readonly functionName: string;
  /** `rotation-function-base`: the function needs it before it can run. */
  public readonly basePolicy: IamRolePolicy;
  /** The secrets the function rotates, by name, and the patterns its role reaches them by. */
  public readonly secretNames = new SecretNamePatterns();

  private readonly masterSecretArns = new Set<string>();
  private readonly keyArns = new Set<string>();
  private rotatedSecretsPolicy: IamRolePolicy | undefined;
  private readonly stackSecrets: StackSecrets;

  constructor(
    private readonly scope: Construct,
    private readonly props: RotationExecutionPolicyProps,
  ) {
    this.functionName = props.functionName;
    this.basePolicy = new IamRolePolicy(scope, "BasePolicy", {
      role: props.role.name,
      name: "rotation-function-base",
      policy: policyDocument(this.baseStatements()),
    });
    this.stackSecrets = StackSecrets.of(scope);
    this.stackSecrets.reaches.add(this);
    scope.node.addValidation({
      validate: () =>
        this.stackSecrets
          .overreach()
          .filter(({ reach }) => reach === this)
          .map((found) => describeProblem({ path: "secretName", problem: reachedSecretProblem(found) })),
    });
  }

  /**
   * Lets the role rotate one more secret. Returns the policy that grants it, which a
   * rotation schedule must wait for.
   */
  public grant(access: RotatedSecretAccess): IamRolePolicy {
    const name = access.secretName;
    this.checkReach(name);
    this.secretNames.add(name);
    this.masterSecretArns.add(access.masterSecretArn);
    if (access.kmsKeyArn !== undefined) this.keyArns.add(access.kmsKeyArn);
    this.rotatedSecretsPolicy ??= new IamRolePolicy(this.scope, "RotatedSecretsPolicy", {
      role: this.props.role.name,
      name: "rotated-secrets",
      policy: Lazy.stringValue({ produce: () => policyDocument(this.rotationStatements()) }),
    });
    return this.rotatedSecretsPolicy;
  }

  /**
   * Refuses a secret that another function rotates or reaches, or whose name would widen
   * this role's patterns over a secret of the stack that this function does not rotate.
   */
  private checkReach(name: string): void {
    for (const other of this.stackSecrets.reaches) {
      if (other === this) continue;
      if (other.secretNames.has(name)) {
        throw invalid("secretName", `is ${show(name)}, which rotation function ${other.functionName} rotates; allowed: a secret of no other function`);
      }
      const pattern = other.secretNames.patternCovering(name);
      if (pattern !== undefined) throw invalid("secretName", reachedSecretProblem({ secretName: name, reach: other, pattern }));
    }
    const widened = this.secretNames.patternsAddedBy(name);
    for (const other of this.stackSecrets.names) {
      if (other === name || this.secretNames.has(other)) continue;
      const pattern = widened.find((p) => patternCoversSecret(p, other));
      if (pattern !== undefined) {
        throw invalid(
          "secretName",
          `is ${show(name)}, which widens the ARN pattern of rotation function ${this.functionName} to ${show(pattern)}, ` +
            `reaching the secret ${show(other)} that it does not rotate; allowed: a name that keeps this ` +
            "function's secrets under a name path or name start of their own",
        );
      }
    }
  }

  private baseStatements(): PolicyStatement[] {
    const context = AwsContext.of(this.scope);
    const subnetArns = this.props.subnetIds.map((subnetId) => context.arn("ec2", `subnet/${subnetId}`));
    const networkInterfaces = context.arn("ec2", "network-interface/*");
    const statements: PolicyStatement[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${this.props.logGroupArn}:*`,
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
        Resource: [...subnetArns, context.arn("ec2", `security-group/${this.props.securityGroupId}`)],
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
        // X-Ray supports no resource-level permissions.
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
      },
    ];
    if (this.props.environmentKmsKeyArn !== undefined) {
      // Lambda decrypts the environment through a grant it creates for the role; should it
      // use the role's own permissions instead, this statement covers that, and only
      // through Lambda.
      statements.push({
        Sid: "DecryptOwnEnvironmentThroughLambda",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: this.props.environmentKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": context.regionalServiceHost("lambda") } },
      });
    }
    return statements;
  }

  private rotationStatements(): PolicyStatement[] {
    const context = AwsContext.of(this.scope);
    const secretArnPatterns = this.secretNames.patterns().map((pattern) => context.arn("secretsmanager", `secret:${pattern}`));
    const masterSecretArns = [...this.masterSecretArns];
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
        Resource: secretArnPatterns,
      },
      {
        Sid: "ReadMasterSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: masterSecretArns,
      },
    ];
    if (this.keyArns.size > 0) {
      statements.push(
        keyUseThroughSecretsManager(this.scope, {
          Sid: "UseKeysThroughSecretsManager",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: [...this.keyArns],
          secretArns: [...secretArnPatterns, ...masterSecretArns],
          secretArnsMatch: "StringLike",
        }),
      );
    }
    return statements;
  }
}
