import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct, type IConstruct } from "constructs";
import * as v from "valibot";
import { awsIdentifier } from "./aws-formats";
import { AwsContext } from "./aws-context";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { anyString, integer, list, text, variantOf } from "./field-schemas";
import { settings } from "./settings-schema";
import { parseProps } from "./validation";

const ALIAS_PATTERN = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;

/** The AWS-managed keys (`aws/secretsmanager`, `aws/rds`, ...): no key resource and no key policy of ours. */
export const AwsManagedKeySchema = settings({
  /** Use each service's AWS-managed key; consumers omit `kms_key_id`. */
  kind: v.literal("aws-managed"),
});

/** A new customer-managed key with automatic rotation and a least-privilege key policy. */
export const CustomerManagedKeySchema = settings({
  /** Create a new key. */
  kind: v.literal("customer-managed"),
  /**
   * Alias of the key: `alias/` followed by letters, digits, `/`, `_` or `-`, at most 256
   * characters, not under `alias/aws/`. Typically `alias/<environment>-secrets`.
   */
  aliasName: text(ALIAS_PATTERN, "alias/ followed by 1 to 250 letters, digits, /, _ or -, not under alias/aws/"),
  /** Description of the key. @default "Encrypts secrets, database storage and logs" */
  description: v.optional(anyString(), "Encrypts secrets, database storage and logs"),
  /** Waiting period before a deleted key is destroyed, 7–30 days. @default 30 */
  deletionWindowDays: v.optional(integer(7, 30), 30),
  /**
   * IAM role or user ARNs allowed to administer the key (not to use it), besides the
   * account root, which always may.
   * @default []
   */
  adminPrincipalArns: v.optional(list(awsIdentifier("iam-principal-arn"), "IAM principal ARNs"), []),
});

/**
 * A key that already exists. Its key policy is not managed here: it must let Secrets
 * Manager, RDS and CloudWatch Logs use the key, and EventBridge and CloudWatch alarms
 * publish to topics encrypted with it, as the policy of a customer-managed key does.
 */
export const ExistingKeySchema = settings({
  /** Use an existing key. */
  kind: v.literal("existing"),
  /** ARN of the key, `arn:<partition>:kms:<region>:<account>:key/<key id>` (an alias ARN is not accepted). */
  keyArn: awsIdentifier("kms-key-arn"),
});

/** Props of {@link EncryptionKey}, one variant per {@link EncryptionKind}. */
export const EncryptionKeyPropsSchema = variantOf("kind", [
  AwsManagedKeySchema,
  CustomerManagedKeySchema,
  ExistingKeySchema,
]);

/** Props of {@link EncryptionKey}. */
export type EncryptionKeyProps = v.InferInput<typeof EncryptionKeyPropsSchema>;

/** Where the key that encrypts the secrets, the database and the logs comes from. */
export type EncryptionKind = EncryptionKeyProps["kind"];

type CustomerManagedKey = v.InferOutput<typeof CustomerManagedKeySchema>;

/** Key administration without use: what the account root and the admin principals get. */
const ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What Secrets Manager and RDS need on behalf of the account's principals (as in their AWS-managed keys). */
const VIA_SERVICE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:DescribeKey",
];

/** What Lambda needs, on behalf of the account's principals, to encrypt a function's environment with the key. */
const LAMBDA_ENVIRONMENT_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant", "kms:DescribeKey"];

/** What a service needs to publish to an SNS topic encrypted with the key. */
const TOPIC_PUBLISHER_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/**
 * The KMS key of an environment: the AWS-managed keys, a new customer-managed key, or an
 * existing key.
 *
 * The customer-managed key's policy names no wildcard principal. The account root may
 * administer the key (so it cannot be locked out) but not use it; the account's
 * principals may use it only through Secrets Manager and RDS (`kms:ViaService`), and
 * still need an IAM policy for that, see {@link keyUseThroughSecretsManager}, and through
 * Lambda to encrypt functions' environments; CloudWatch Logs may use it for log groups of
 * the account; CloudWatch alarms of the account and EventBridge rules of the account may
 * use it to publish to encrypted SNS topics.
 */
export class EncryptionKey extends Construct {
  /** Where the key comes from. */
  public readonly kind: EncryptionKind;
  /**
   * ARN of the key, for `kms_key_id` attributes and IAM policies; `undefined` for the
   * AWS-managed keys, in which case consumers omit `kms_key_id`.
   */
  public readonly keyArn: string | undefined;
  /** Whether a customer-managed key (new or existing) is used, that is whether {@link keyArn} is set. */
  public readonly isCustomerManaged: boolean;
  /** The alias, `alias/...`, of a new customer-managed key; otherwise `undefined`. */
  public readonly aliasName: string | undefined;

  constructor(scope: Construct, id: string, keyProps: EncryptionKeyProps) {
    super(scope, id);
    const props = parseProps(EncryptionKeyPropsSchema, keyProps);
    this.kind = props.kind;
    switch (props.kind) {
      case "aws-managed":
        this.keyArn = undefined;
        this.aliasName = undefined;
        break;
      case "customer-managed": {
        const key = this.createKey(props);
        this.keyArn = key.arn;
        this.aliasName = props.aliasName;
        break;
      }
      case "existing":
        this.keyArn = props.keyArn;
        this.aliasName = undefined;
        break;
    }
    this.isCustomerManaged = this.keyArn !== undefined;
  }

  private createKey(props: CustomerManagedKey): KmsKey {
    const key = new KmsKey(this, "Key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays,
      policy: policyDocument(this.keyPolicyStatements(props.adminPrincipalArns)),
    });
    new KmsAlias(this, "Alias", { name: props.aliasName, targetKeyId: key.keyId });
    return key;
  }

  private keyPolicyStatements(adminPrincipalArns: readonly string[]): PolicyStatement[] {
    const context = AwsContext.of(this);
    const administer = (Sid: string, principals: readonly string[]): PolicyStatement => ({
      Sid,
      Effect: "Allow",
      Principal: { AWS: principals },
      Action: ADMIN_ACTIONS,
      Resource: "*",
    });
    return [
      administer("AccountRootAdministersKey", [context.accountRootArn]),
      ...(adminPrincipalArns.length > 0 ? [administer("AdminsAdministerKey", adminPrincipalArns)] : []),
      {
        Sid: "AccountUsesKeyViaSecretsManagerAndRds",
        Effect: "Allow",
        Principal: { AWS: context.accountRootArn },
        Action: VIA_SERVICE_ACTIONS,
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:CallerAccount": context.accountId,
            "kms:ViaService": [context.regionalServiceHost("secretsmanager"), context.regionalServiceHost("rds")],
          },
        },
      },
      {
        // A function's environment encrypted with the key: Lambda encrypts it for whoever
        // creates or updates the function and creates a grant for the function's role.
        Sid: "AccountUsesKeyViaLambdaForFunctionEnvironments",
        Effect: "Allow",
        Principal: { AWS: context.accountRootArn },
        Action: LAMBDA_ENVIRONMENT_ACTIONS,
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": context.accountId, "kms:ViaService": context.regionalServiceHost("lambda") },
        },
      },
      {
        Sid: "CloudWatchLogsUsesKeyForAccountLogGroups",
        Effect: "Allow",
        Principal: { Service: context.regionalServiceHost("logs") },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": context.arn("logs", "*") } },
      },
      {
        // Whether SNS passes aws:SourceAccount and aws:SourceArn when it calls KMS for
        // EventBridge is not settled: AWS recommends the conditions for EventBridge's own
        // keys, while SNS is reported to call KMS for EventBridge without them, and a
        // required key that is absent drops every delivery to an encrypted topic, silently.
        // The IfExists forms hold either way: a request that names a source must name this
        // account and its rules; the topic policies bind publishing to those rules anyway.
        Sid: "EventBridgeUsesKeyForEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: TOPIC_PUBLISHER_ACTIONS,
        Resource: "*",
        Condition: {
          StringEqualsIfExists: { "aws:SourceAccount": context.accountId },
          ArnLikeIfExists: { "aws:SourceArn": context.arn("events", "rule/*") },
        },
      },
      {
        Sid: "AccountAlarmsUseKeyForEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: TOPIC_PUBLISHER_ACTIONS,
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": context.accountId } },
      },
    ];
  }
}

/**
 * An IAM statement letting a principal use customer-managed keys only when Secrets
 * Manager calls KMS in this region (`kms:ViaService`) for one of `secretArns` (the
 * `SecretARN` encryption context Secrets Manager always sets).
 */
export function keyUseThroughSecretsManager(
  scope: IConstruct,
  statement: {
    readonly Sid: string;
    readonly Action: string | readonly string[];
    /** The key ARN(s). */
    readonly Resource: string | readonly string[];
    readonly secretArns: readonly string[];
    /**
     * How `secretArns` match the encryption context: as ARNs, or as patterns with IAM's
     * `*` and `?` wildcards (exact ARNs may be among them).
     * @default "StringEquals"
     */
    readonly secretArnsMatch?: "StringEquals" | "StringLike";
  },
): PolicyStatement {
  const viaService = { "kms:ViaService": AwsContext.of(scope).regionalServiceHost("secretsmanager") };
  const secrets = { "kms:EncryptionContext:SecretARN": statement.secretArns };
  return {
    Sid: statement.Sid,
    Effect: "Allow",
    Action: statement.Action,
    Resource: statement.Resource,
    Condition:
      statement.secretArnsMatch === "StringLike"
        ? { StringEquals: viaService, StringLike: secrets }
        : { StringEquals: { ...viaService, ...secrets } },
  };
}
