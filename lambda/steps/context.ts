import type { SecretRotationBinding } from "../bindings";
import type { DatabaseConnector } from "../database";
import type { InvocationLogger } from "../log";
import type { PasswordPolicy } from "../password";
import type { RotationStrategy } from "../../shared/secret-contract";
import type { SecretStore } from "../secrets";

/** What a rotation step works with, once the gate has passed. */
export interface StepContext {
  /** The ClientRequestToken: the id of the version being rotated in, labelled AWSPENDING. */
  readonly token: string;
  /** The event's RotationToken, passed on to PutSecretValue (cross-account rotation). */
  readonly rotationToken?: string;
  readonly strategy: RotationStrategy;
  /** The secret's binding: the only source of the database, the master secret, the users and their privileges. */
  readonly binding: SecretRotationBinding;
  readonly store: SecretStore;
  /** From the gate's DescribeSecret. */
  readonly versions: {
    /** Version id holding AWSCURRENT. */
    readonly current?: string;
    /** Version id holding AWSPREVIOUS. */
    readonly previous?: string;
    /** AWSCURRENT is Terraform's seed (it carries TERRAFORM_SEED): this may be the first rotation. */
    readonly currentIsSeed: boolean;
  };
  readonly database: DatabaseConnector;
  readonly passwordPolicy: PasswordPolicy;
  readonly log: InvocationLogger;
}

/** How a step ended: `noop` when an earlier attempt had already done the work. */
export interface StepResult {
  readonly outcome: "success" | "noop";
  readonly message: string;
}
