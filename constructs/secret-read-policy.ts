import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Token } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { awsIdentifier, iamRoleName } from "./aws-formats";
import { keyUseThroughSecretsManager } from "./encryption-key";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { anyString, list, text } from "./field-schemas";
import { settings } from "./settings-schema";
import { checkValue, invalid, parseProps, show } from "./validation";

/** Props of {@link SecretReadPolicy}. */
export const SecretReadPolicyPropsSchema = settings({
  /** ARNs of the secrets the policy lets a role read: at least one, all different. */
  secretArns: list(anyString("a secret ARN"), "secret ARNs", { min: 1 }),
  /**
   * ARN of the customer-managed KMS key that encrypts the secrets. The policy then also
   * allows `kms:Decrypt` on that key, only through Secrets Manager in this region and
   * only for these secrets (encryption context `SecretARN`).
   * @default undefined: the AWS-managed `aws/secretsmanager` key, whose key policy already
   * lets the account's principals decrypt through Secrets Manager; no KMS statement.
   */
  kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
  /**
   * Names (not ARNs) of the IAM roles the policy is attached to. More can be attached
   * later with {@link SecretReadPolicy.attachToRole}.
   * @default []
   */
  roleNames: v.optional(list(iamRoleName(), "IAM role names"), []),
  /**
   * Start of the policy name; Terraform appends a unique suffix, so two environments in
   * one account never collide. 1–102 letters, digits or `+=,.@_-` (IAM policy names allow
   * 128 characters; `name_prefix` leaves 26 for the suffix).
   * @default "secret-read-"
   */
  policyNamePrefix: v.optional(text(/^[\w+=,.@-]{1,102}$/, "1 to 102 letters, digits or +=,.@_-"), "secret-read-"),
});

/** Props of {@link SecretReadPolicy}. */
export type SecretReadPolicyProps = v.InferInput<typeof SecretReadPolicyPropsSchema>;

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

  constructor(scope: Construct, id: string, policyProps: SecretReadPolicyProps) {
    super(scope, id);
    const props = parseProps(SecretReadPolicyPropsSchema, policyProps);
    this.policy = new IamPolicy(this, "Policy", {
      namePrefix: props.policyNamePrefix,
      description: "Read specific Secrets Manager secrets",
      policy: policyDocument(this.statements(props.secretArns, props.kmsKeyArn)),
    });
    this.policyArn = this.policy.arn;
    props.roleNames.forEach((roleName) => this.attach(roleName));
  }

  /** Attaches the policy to one more role, given by name. Attaching a role twice is an error. */
  public attachToRole(roleName: string): void {
    checkValue("roleName", iamRoleName(), roleName);
    if (this.attachedRoles.has(roleName)) {
      throw invalid("roleName", `is ${show(roleName)}, already attached; allowed: a role not yet attached`);
    }
    this.attach(roleName);
  }

  private attach(roleName: string): void {
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
