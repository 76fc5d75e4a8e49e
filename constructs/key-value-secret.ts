import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { checkAwsIdentifier } from "./aws-formats";
import { policyDocument } from "./policy-document";
import { SecretBase, type SecretBaseProps } from "./secret-base";
import { checkDistinctList, checkPattern, ValidationError } from "./validation";

/** Props of {@link KeyValueSecret}. */
export interface KeyValueSecretProps extends SecretBaseProps {
  /**
   * Keys the value is expected to hold, e.g. `["username", "password"]`: documentation,
   * recorded in the `ExpectedKeys` tag (space-separated). Each key is letters, digits or
   * `_.:/=+-@`; the tag value is at most 256 characters.
   * @default [] (no tag)
   */
  readonly keys?: readonly string[];
  /**
   * Regions the secret is replicated to, e.g. `["eu-central-1"]`. Not the stack's own region.
   * @default [] (no replica)
   */
  readonly replicaRegions?: readonly string[];
  /**
   * KMS key of the replica, per replica region: a customer-managed key in that region
   * (a key of the primary region cannot encrypt a replica). A replica region without an
   * entry uses that region's AWS-managed `aws/secretsmanager` key.
   * @default {} (every replica uses its region's AWS-managed key)
   */
  readonly replicaKmsKeyArns?: Readonly<Record<string, string>>;
  /**
   * IAM role ARNs allowed to read the secret (`GetSecretValue`, `DescribeSecret`) through
   * its resource policy, which is put with `block_public_policy`. The roles must exist:
   * Secrets Manager rejects a policy naming an unknown principal. Only listed principals
   * can ever read the secret from another account: an identity policy there is not
   * enough without this resource policy, and the AWS-managed key cannot be used across
   * accounts at all.
   * @default [] (no resource policy; identity policies decide, see {@link KeyValueSecret.grantRead})
   */
  readonly readerRoleArns?: readonly string[];
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const KEY_NAME = /^[\w.:/=+@-]+$/;
const MAX_TAG_VALUE_LENGTH = 256;

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
  constructor(scope: Construct, id: string, props: KeyValueSecretProps) {
    const keys = props.keys ?? [];
    const replicaRegions = props.replicaRegions ?? [];
    const replicaKmsKeyArns = props.replicaKmsKeyArns ?? {};
    checkDistinctList("keys", keys, 0);
    keys.forEach((key, i) => checkPattern(`keys[${i}]`, key, KEY_NAME, "letters, digits or _.:/=+-@"));
    const expectedKeys = keys.join(" ");
    if (expectedKeys.length > MAX_TAG_VALUE_LENGTH) {
      throw new ValidationError(
        "keys",
        `take ${expectedKeys.length} characters space-separated; allowed: at most ${MAX_TAG_VALUE_LENGTH} (a tag value)`,
      );
    }
    checkDistinctList("replicaRegions", replicaRegions, 0);
    replicaRegions.forEach((region, i) =>
      checkPattern(`replicaRegions[${i}]`, region, REGION, "an AWS region name such as eu-central-1"),
    );
    for (const [region, keyArn] of Object.entries(replicaKmsKeyArns)) {
      checkKeyOfReplica(region, keyArn, replicaRegions);
    }
    const readerRoleArns = props.readerRoleArns ?? [];
    checkDistinctList("readerRoleArns", readerRoleArns, 0);
    readerRoleArns.forEach((arn, i) => checkAwsIdentifier(`readerRoleArns[${i}]`, arn, "iam-principal-arn"));

    super(scope, id, props, {
      replica:
        replicaRegions.length > 0
          ? replicaRegions.map((region) => ({ region, kmsKeyId: replicaKmsKeyArns[region] }))
          : undefined,
      tags: keys.length > 0 ? { ExpectedKeys: expectedKeys } : undefined,
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

/** A replica key is named for a replica region and is a key of that region. */
function checkKeyOfReplica(region: string, keyArn: string, replicaRegions: readonly string[]): void {
  const field = `replicaKmsKeyArns[${JSON.stringify(region)}]`;
  if (!replicaRegions.includes(region)) {
    throw new ValidationError(
      field,
      `names a region that is not replicated; allowed: one of replicaRegions (${replicaRegions.join(", ") || "none"})`,
    );
  }
  checkAwsIdentifier(field, keyArn, "kms-key-arn");
  const keyRegion = Token.isUnresolved(keyArn) ? region : keyArn.split(":")[3];
  if (keyRegion !== region) {
    throw new ValidationError(field, `is a key of ${keyRegion}; allowed: a key of ${region}`);
  }
}
