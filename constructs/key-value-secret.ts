import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { awsIdentifier, region, regionOfKeyArn } from "./aws-formats";
import { policyDocument } from "./policy-document";
import { SecretBase, SecretBasePropsSchema } from "./secret-base";
import { list, mapOf, satisfies, text } from "./field-schemas";
import { settings } from "./settings-schema";
import { parseProps } from "./validation";

const KEY_NAME = /^[\w.:/=+@-]+$/;
const MAX_TAG_VALUE_LENGTH = 256;

/** Props of {@link KeyValueSecret}. */
export const KeyValueSecretPropsSchema = settings(
  {
    ...SecretBasePropsSchema.entries,
    /**
     * Keys the value is expected to hold, e.g. `["username", "password"]`: documentation,
     * recorded in the `ExpectedKeys` tag (space-separated). Each key is letters, digits or
     * `_.:/=+-@`; the tag value is at most 256 characters.
     * @default [] (no tag)
     */
    keys: v.optional(
      v.pipe(
        list(text(KEY_NAME, "letters, digits or _.:/=+-@"), "key names"),
        satisfies((keys: string[]) => {
          const length = keys.join(" ").length;
          return length > MAX_TAG_VALUE_LENGTH
            ? `take ${length} characters space-separated; allowed: at most ${MAX_TAG_VALUE_LENGTH} (a tag value)`
            : undefined;
        }),
      ),
      [],
    ),
    /**
     * Regions the secret is replicated to, e.g. `["eu-central-1"]`. Not the stack's own region.
     * @default [] (no replica)
     */
    replicaRegions: v.optional(list(region(), "region names"), []),
    /**
     * KMS key of the replica, per replica region: a customer-managed key in that region
     * (a key of the primary region cannot encrypt a replica). A replica region without an
     * entry uses that region's AWS-managed `aws/secretsmanager` key.
     * @default {} (every replica uses its region's AWS-managed key)
     */
    replicaKmsKeyArns: v.optional(
      mapOf(awsIdentifier("kms-key-arn"), "an object of region names and KMS key ARNs"),
      {},
    ),
    /**
     * IAM role ARNs allowed to read the secret (`GetSecretValue`, `DescribeSecret`) through
     * its resource policy, which is put with `block_public_policy`. The roles must exist:
     * Secrets Manager rejects a policy naming an unknown principal. Only listed principals
     * can ever read the secret from another account: an identity policy there is not
     * enough without this resource policy, and the AWS-managed key cannot be used across
     * accounts at all.
     * @default [] (no resource policy; identity policies decide, see {@link KeyValueSecret.grantRead})
     */
    readerRoleArns: v.optional(list(awsIdentifier("iam-principal-arn"), "IAM role ARNs"), []),
  },
  [
    {
      // A replica key is named for a replica region and is a key of that region.
      fields: ["replicaRegions", "replicaKmsKeyArns"],
      check: ({ replicaRegions, replicaKmsKeyArns }, report) => {
        for (const [keyRegion, keyArn] of Object.entries(replicaKmsKeyArns)) {
          const path = ["replicaKmsKeyArns", keyRegion];
          if (!replicaRegions.includes(keyRegion)) {
            report(
              path,
              `names a region that is not replicated; allowed: one of replicaRegions (${replicaRegions.join(", ") || "none"})`,
            );
          } else if (!Token.isUnresolved(keyArn) && regionOfKeyArn(keyArn) !== keyRegion) {
            report(path, `is a key of ${regionOfKeyArn(keyArn)}; allowed: a key of ${keyRegion}`);
          }
        }
      },
    },
  ],
);

/** Props of {@link KeyValueSecret}. */
export type KeyValueSecretProps = v.InferInput<typeof KeyValueSecretPropsSchema>;

/**
 * An "other type" secret, e.g. `tutorials/MyFirstTutorialSecret`: the secret with
 * optional replicas and resource policy, and NO secret version. Its value is put outside
 * Terraform (`aws secretsmanager put-secret-value`), so it never reaches the Terraform
 * configuration or state. Roles of this account read it through {@link grantRead}; roles
 * of other accounts also need to be listed in `readerRoleArns`, and a key whose policy
 * lets them decrypt through Secrets Manager (an existing key: the AWS-managed key cannot
 * be shared, and a new customer-managed `EncryptionKey` admits only this account).
 */
export class KeyValueSecret extends SecretBase {
  constructor(scope: Construct, id: string, secretProps: KeyValueSecretProps) {
    const props = parseProps(KeyValueSecretPropsSchema, secretProps);
    const { keys, replicaRegions, replicaKmsKeyArns, readerRoleArns } = props;
    super(scope, id, props, {
      replica:
        replicaRegions.length > 0
          ? replicaRegions.map((region) => ({ region, kmsKeyId: replicaKmsKeyArns[region] }))
          : undefined,
      tags: keys.length > 0 ? { ExpectedKeys: keys.join(" ") } : undefined,
    });

    if (readerRoleArns.length > 0) {
      new SecretsmanagerSecretPolicy(this, "ResourcePolicy", {
        secretArn: this.secretArn,
        blockPublicPolicy: true,
        policy: policyDocument([
          {
            Sid: "ListedRolesRead",
            Effect: "Allow",
            Principal: { AWS: readerRoleArns },
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            // In a secret's resource policy, "*" is the secret itself.
            Resource: "*",
          },
        ]),
      });
    }
  }
}
