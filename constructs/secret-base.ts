import {
  SecretsmanagerSecret,
  type SecretsmanagerSecretConfig,
} from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { checkAwsIdentifier } from "./aws-formats";
import { SecretReadPolicy } from "./secret-read-policy";
import { StackSecrets } from "./stack-secrets";
import { checkPattern, checkRecoveryWindow, ValidationError } from "./validation";

/** Props shared by every secret construct. */
export interface SecretBaseProps {
  /**
   * Name of the secret, e.g. `tutorials/MyFirstTutorialSecret`: 1–512 letters, digits or
   * `/_+=.@-`, not ending with a hyphen followed by six characters (Secrets Manager
   * appends `-` and six random characters to form the ARN, so such a name makes partial
   * ARNs ambiguous).
   */
  readonly secretName: string;
  /** Description of the secret, at most 2048 characters. */
  readonly description: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the secret.
   * @default undefined: the AWS-managed `aws/secretsmanager` key (`kms_key_id` is omitted)
   */
  readonly kmsKeyArn?: string;
  /**
   * Days Secrets Manager keeps a deleted secret recoverable: 0 (delete at once) or 7–30.
   * @default 30
   */
  readonly recoveryWindowDays?: number;
}

/** Attributes of the `aws_secretsmanager_secret` that only some secret constructs set. */
export type SecretExtras = Pick<SecretsmanagerSecretConfig, "replica" | "tags">;

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const RESERVED_SUFFIX = /-.{6}$/;
const MAX_DESCRIPTION_LENGTH = 2048;

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

  protected constructor(scope: Construct, id: string, props: SecretBaseProps, extras: SecretExtras = {}) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    checkPattern("secretName", props.secretName, SECRET_NAME, "1 to 512 letters, digits or /_+=.@-");
    if (RESERVED_SUFFIX.test(props.secretName)) {
      throw new ValidationError(
        "secretName",
        `is ${JSON.stringify(props.secretName)}, which ends with a hyphen and six characters like the ARN's random suffix; allowed: a name without such an ending`,
      );
    }
    if (props.description.length > MAX_DESCRIPTION_LENGTH) {
      throw new ValidationError(
        "description",
        `has ${props.description.length} characters; allowed: at most ${MAX_DESCRIPTION_LENGTH}`,
      );
    }
    checkRecoveryWindow("recoveryWindowDays", recoveryWindowDays);
    if (props.kmsKeyArn !== undefined) checkAwsIdentifier("kmsKeyArn", props.kmsKeyArn, "kms-key-arn");

    this.secret = new SecretsmanagerSecret(this, "Secret", {
      name: props.secretName,
      description: props.description,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: recoveryWindowDays,
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
