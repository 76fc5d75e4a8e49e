import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Token } from "cdktf";
import { Construct } from "constructs";
import * as v from "valibot";
import { ROTATION_EXEMPTION_TAG } from "../shared/secret-tags";
import { awsIdentifier, region, regionOfArn } from "./aws-formats";
import { policyDocument } from "./policy-document";
import { RotationScheduleSchema } from "./rotation-schedule";
import { SecretBase, SecretBasePropsSchema } from "./secret-base";
import { list, mapOf, satisfies, text, variantOf } from "./field-schemas";
import { adapt, allBut, settings } from "./settings-schema";
import { parseProps } from "./validation";

const KEY_NAME = /^[\w.:/=+@-]+$/;
const MAX_TAG_VALUE_LENGTH = 256;
/** What AWS takes in a tag value: letters, digits, spaces and `_.:/=+-@`, at most 256 characters. */
const TAG_VALUE = /^[\p{L}\p{N}\p{Zs}_.:/=+@-]{1,256}$/u;

/**
 * Rotation by a Lambda function of yours, already deployed, on a schedule: `kind:
 * "function"`, the function's ARN and the schedule (every N days, or an expression).
 */
const FunctionRotationSchema = adapt(RotationScheduleSchema, {
  pick: allBut(RotationScheduleSchema, []),
  add: {
    /** Rotated by a function. */
    kind: v.literal("function"),
    /**
     * ARN of the Lambda function that rotates the secret, in the secret's region. Its
     * resource policy must let `secretsmanager.amazonaws.com` invoke it, and its role
     * read, write and relabel this secret (`secretsmanager:DescribeSecret`,
     * `GetSecretValue`, `PutSecretValue`, `UpdateSecretVersionStage`) and use its key.
     */
    functionArn: awsIdentifier("lambda-function-arn"),
  },
});

/** No rotation, and why: `kind: "none"` and the reason. */
const NoRotationSchema = settings({
  /** Not rotated. */
  kind: v.literal("none"),
  /**
   * Why the secret is not rotated, e.g. a credential a third party issues that no API
   * replaces: recorded in the secret's `RotationExemption` tag, so 1 to 256 letters,
   * digits, spaces or `_.:/=+-@`.
   */
  reason: text(TAG_VALUE, "1 to 256 letters, digits, spaces or _.:/=+-@ (a tag value)"),
});

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
    /**
     * How the secret is rotated: by an existing Lambda function of yours on a schedule
     * (`{ kind: "function", functionArn, automaticallyAfterDays }`, or `scheduleExpression`
     * with an optional `duration`), as aws-cdk's `addRotationSchedule` and the Terraform
     * registry's secrets-manager module take it; or not, and why (`{ kind: "none",
     * reason }`, which the review page's security verdict reports in place of the rotation
     * checks). The first rotation waits for the schedule: the value is put by hand, after
     * the apply. Secrets Manager still runs the function's `testSecret` step when the
     * schedule is created, so put the value before the apply that adds a function.
     * @default not rotated, no reason given (the production tier refuses that)
     */
    rotation: v.optional(variantOf("kind", [FunctionRotationSchema, NoRotationSchema])),
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
          } else if (!Token.isUnresolved(keyArn) && regionOfArn(keyArn) !== keyRegion) {
            report(path, `is a key of ${regionOfArn(keyArn)}; allowed: a key of ${keyRegion}`);
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
 * optional replicas, resource policy and rotation by a function of yours, and NO secret
 * version. Its value is put outside Terraform (`aws secretsmanager put-secret-value`), so
 * it never reaches the Terraform configuration or state. Roles of this account read it
 * through {@link grantRead}; roles of other accounts also need to be listed in
 * `readerRoleArns`, and a key whose policy lets them decrypt through Secrets Manager (an
 * existing key: the AWS-managed key cannot be shared, and a new customer-managed
 * `EncryptionKey` admits only this account).
 */
export class KeyValueSecret extends SecretBase {
  constructor(scope: Construct, id: string, secretProps: KeyValueSecretProps) {
    const props = parseProps(KeyValueSecretPropsSchema, secretProps);
    const { keys, replicaRegions, replicaKmsKeyArns, readerRoleArns, rotation } = props;
    const tags = {
      ...(keys.length > 0 ? { ExpectedKeys: keys.join(" ") } : {}),
      ...(rotation?.kind === "none" ? { [ROTATION_EXEMPTION_TAG]: rotation.reason } : {}),
    };
    super(scope, id, props, {
      replica:
        replicaRegions.length > 0
          ? replicaRegions.map((region) => ({ region, kmsKeyId: replicaKmsKeyArns[region] }))
          : undefined,
      tags: Object.keys(tags).length > 0 ? tags : undefined,
    });

    if (rotation?.kind === "function") {
      const { kind: _kind, functionArn, ...rotationRules } = rotation;
      new SecretsmanagerSecretRotation(this, "Rotation", {
        secretId: this.secret.id,
        rotationLambdaArn: functionArn,
        rotationRules,
        // The value is put by hand after the apply: rotating at creation could run on a
        // secret that holds none. Secrets Manager still runs the function's testSecret
        // step once at creation (RotateSecret's RotateImmediately).
        rotateImmediately: false,
      });
    }

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
