import type { DatabaseConnector } from "../database";
import type { InvocationLogger } from "../log";
import type { RotationStrategy } from "../../shared/secret-contract";
import type { PasswordPolicy, SecretStore } from "../secrets";

/** What a rotation step works with, once the gate has passed. */
export interface StepContext {
  /** The ClientRequestToken: the id of the version being rotated in, labelled AWSPENDING. */
  readonly token: string;
  /** The event's RotationToken, passed on to PutSecretValue (cross-account rotation). */
  readonly rotationToken?: string;
  readonly strategy: RotationStrategy;
  readonly store: SecretStore;
  /** Version ids holding AWSCURRENT and AWSPREVIOUS, from the gate's DescribeSecret. */
  readonly versions: { readonly current?: string; readonly previous?: string };
  readonly database: DatabaseConnector;
  readonly passwordPolicy: PasswordPolicy;
  readonly log: InvocationLogger;
}

/** How a step ended: `noop` when an earlier attempt had already done the work. */
export interface StepResult {
  readonly outcome: "success" | "noop";
  readonly message: string;
}
