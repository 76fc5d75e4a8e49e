import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { checkAwsIdentifier } from "./aws-formats";
import { keyUseThroughSecretsManager } from "./encryption-key";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { checkDistinctList, checkPattern, ValidationError } from "./validation";

/** Props of {@link SecretReadPolicy}. */
export interface SecretReadPolicyProps {
  /** ARNs of the secrets the policy lets a role read: at least one, all different. */
  readonly secretArns: readonly string[];
  /**
   * ARN of the customer-managed KMS key that encrypts the secrets. The policy then also
   * allows `kms:Decrypt` on that key, only through Secrets Manager in this region and
   * only for these secrets (encryption context `SecretARN`).
   * @default undefined: the AWS-managed `aws/secretsmanager` key, whose key policy already
   * lets the account's principals decrypt through Secrets Manager; no KMS statement.
   */
  readonly kmsKeyArn?: string;
  /**
   * Names (not ARNs) of the IAM roles the policy is attached to. More can be attached
   * later with {@link SecretReadPolicy.attachToRole}.
   * @default []
   */
  readonly roleNames?: readonly string[];
  /**
   * Start of the policy name; Terraform appends a unique suffix, so two environments in
   * one account never collide. 1–102 letters, digits or `+=,.@_-`.
   * @default "secret-read-"
   */
  readonly policyNamePrefix?: string;
}

/** IAM role names: 1–64 of letters, digits and `+=,.@_-`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM policy names allow 128 characters; `name_prefix` leaves 26 for the unique suffix. */
const POLICY_NAME_PREFIX = /^[\w+=,.@-]{1,102}$/;

/**
 * A customer-managed IAM policy that lets a role read exactly the named secrets:
 * `secretsmanager:GetSecretValue` and `secretsmanager:DescribeSecret` on those secret
 * ARNs, and, for a customer-managed key, `kms:Decrypt` on that key only when Secrets
 * Manager makes the call for one of those secrets. Attached to the given roles.
 *
 * The secret constructs' `grantRead(id, roleNames)` create one of these.
 */
export class SecretReadPolicy extends Construct {
  /** ARN of the IAM policy. */
  public readonly policyArn: string;

  private readonly policy: IamPolicy;
  private readonly attachedRoles = new Set<string>();

  constructor(scope: Construct, id: string, props: SecretReadPolicyProps) {
    super(scope, id);
    const policyNamePrefix = props.policyNamePrefix ?? "secret-read-";
    checkDistinctList("secretArns", props.secretArns, 1);
    checkPattern("policyNamePrefix", policyNamePrefix, POLICY_NAME_PREFIX, "1 to 102 letters, digits or +=,.@_-");
    if (props.kmsKeyArn !== undefined) checkAwsIdentifier("kmsKeyArn", props.kmsKeyArn, "kms-key-arn");
    const roleNames = props.roleNames ?? [];
    checkDistinctList("roleNames", roleNames, 0);

    this.policy = new IamPolicy(this, "Policy", {
      namePrefix: policyNamePrefix,
      description: "Read specific Secrets Manager secrets",
      policy: policyDocument(this.statements(props.secretArns, props.kmsKeyArn)),
    });
    this.policyArn = this.policy.arn;
    roleNames.forEach((roleName, i) => this.attach(`roleNames[${i}]`, roleName));
  }

  /** Attaches the policy to one more role, given by name. Attaching a role twice is an error. */
  public attachToRole(roleName: string): void {
    this.attach("roleName", roleName);
  }

  private attach(field: string, roleName: string): void {
    if (!Token.isUnresolved(roleName)) {
      checkPattern(field, roleName, ROLE_NAME, "an IAM role name: 1 to 64 letters, digits or +=,.@_-");
    }
    if (this.attachedRoles.has(roleName)) {
      throw new ValidationError(field, `is ${JSON.stringify(roleName)}, already attached; allowed: a role not yet attached`);
    }
    // A literal name keys the attachment, so reordering the roles changes nothing; a
    // token (a role created in the same stack) has no stable text and is keyed by position.
    const key = Token.isUnresolved(roleName) ? String(this.attachedRoles.size) : roleName;
    this.attachedRoles.add(roleName);
    new IamRolePolicyAttachment(this, `Attachment-${key}`, { role: roleName, policyArn: this.policy.arn });
  }

  private statements(secretArns: readonly string[], kmsKeyArn: string | undefined): PolicyStatement[] {
    const read: PolicyStatement = {
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: secretArns,
    };
    if (kmsKeyArn === undefined) return [read];
    return [
      read,
      keyUseThroughSecretsManager(this, {
        Sid: "DecryptSecretsThroughSecretsManager",
        Action: "kms:Decrypt",
        Resource: kmsKeyArn,
        secretArns,
      }),
    ];
  }
}
