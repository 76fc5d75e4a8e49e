import {
  SecretsmanagerSecret,
  type SecretsmanagerSecretConfig,
} from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import * as v from "valibot";
import { awsIdentifier } from "./aws-formats";
import { SecretReadPolicy } from "./secret-read-policy";
import { anyString, numberWhere, satisfies } from "./field-schemas";
import { settings } from "./settings-schema";
import { StackSecrets } from "./stack-secrets";
import { show } from "./validation";

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_NAME_RULE = "1 to 512 letters, digits or /_+=.@-";
const RESERVED_SUFFIX = /-.{6}$/;
const MAX_DESCRIPTION_LENGTH = 2048;

/** Secrets Manager's recovery window: 0 (delete without recovery) or 7 to 30 days. */
export function recoveryWindowDays() {
  return numberWhere(
    "0 (no recovery) or an integer from 7 to 30",
    (days) => days === 0 || (Number.isInteger(days) && days >= 7 && days <= 30),
  );
}

/** Props shared by every secret construct. */
export const SecretBasePropsSchema = settings({
  /**
   * Name of the secret, e.g. `tutorials/MyFirstTutorialSecret`: 1–512 letters, digits or
   * `/_+=.@-`, not ending with a hyphen followed by six characters (Secrets Manager
   * appends `-` and six random characters to form the ARN, so such a name makes partial
   * ARNs ambiguous).
   */
  secretName: v.pipe(
    anyString(SECRET_NAME_RULE),
    satisfies((name: string) => {
      if (!SECRET_NAME.test(name)) return `is ${show(name)}; allowed: ${SECRET_NAME_RULE}`;
      if (RESERVED_SUFFIX.test(name)) {
        return (
          `is ${show(name)}, which ends with a hyphen and six characters like the ARN's random suffix; ` +
          "allowed: a name without such an ending"
        );
      }
      return undefined;
    }),
  ),
  /** Description of the secret, at most 2048 characters. */
  description: v.pipe(
    anyString(`a string of at most ${MAX_DESCRIPTION_LENGTH} characters`),
    satisfies((description: string) =>
      description.length > MAX_DESCRIPTION_LENGTH
        ? `has ${description.length} characters; allowed: at most ${MAX_DESCRIPTION_LENGTH}`
        : undefined,
    ),
  ),
  /**
   * ARN of the customer-managed KMS key that encrypts the secret.
   * @default undefined: the AWS-managed `aws/secretsmanager` key (`kms_key_id` is omitted)
   */
  kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
  /**
   * Days Secrets Manager keeps a deleted secret recoverable: 0 (delete at once) or 7–30.
   * @default 30
   */
  recoveryWindowDays: v.optional(recoveryWindowDays(), 30),
});

/** The checked props of a secret, defaults applied. */
export type SecretBaseSettings = v.InferOutput<typeof SecretBasePropsSchema>;

/** Attributes of the `aws_secretsmanager_secret` that only some secret constructs set. */
export type SecretExtras = Pick<SecretsmanagerSecretConfig, "replica" | "tags">;

/**
 * The `aws_secretsmanager_secret` and what every secret offers: its ARN and name, and
 * least-privilege read access for IAM roles. Subclasses decide where the value comes from.
 */
export abstract class SecretBase extends Construct {
  /** ARN of the secret (with Secrets Manager's random suffix). */
  public readonly secretArn: string;
  /** Name of the secret, as given. */
  public readonly secretName: string;
  /** ARN of the customer-managed key that encrypts the secret; `undefined` for the AWS-managed key. */
  public readonly kmsKeyArn: string | undefined;

  /** The secret resource, for subclasses that attach versions, policies or rotation. */
  protected readonly secret: SecretsmanagerSecret;

  /** @param props checked by the subclass's schema, which extends {@link SecretBasePropsSchema} */
  protected constructor(scope: Construct, id: string, props: SecretBaseSettings, extras: SecretExtras = {}) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "Secret", {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowDays,
      ...extras,
    });
    this.secretArn = this.secret.arn;
    this.secretName = props.secretName;
    // Rotation functions reach their secrets by name pattern, which must reach no other.
    StackSecrets.of(this).names.add(props.secretName);
    this.kmsKeyArn = props.kmsKeyArn;
  }

  /**
   * Lets the named IAM roles read this secret: a {@link SecretReadPolicy} scoped to this
   * secret (and to its key when customer-managed), attached to each role. The policy's
   * name starts with the secret's name.
   */
  public grantRead(id: string, roleNames: readonly string[]): SecretReadPolicy {
    return new SecretReadPolicy(this, id, {
      secretArns: [this.secretArn],
      kmsKeyArn: this.kmsKeyArn,
      roleNames,
      policyNamePrefix: `${this.secretName.replace(/[^\w+=,.@-]/g, "-").slice(0, 90)}-read-`,
    });
  }
}
