import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SEED_STAGE, type RotationStrategy } from "../shared/secret-contract";
import { bindingOf, type Bindings } from "./bindings";
import type { DatabaseConnector } from "./database";
import { RotationError, describeError } from "./errors";
import { InvocationLogger, Redactor } from "./log";
import type { PasswordPolicy } from "./password";
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, SecretStore, type SecretMetadata } from "./secrets";
import type { StepContext, StepResult } from "./steps/context";
import { createSecret } from "./steps/create-secret";
import { finishSecret } from "./steps/finish-secret";
import { setSecret } from "./steps/set-secret";
import { testSecret } from "./steps/test-secret";

/** The event Secrets Manager invokes a rotation function with, once per step. */
export interface RotationEvent {
  /** ARN of the secret. */
  SecretId: string;
  /** Id of the version being rotated in (labelled AWSPENDING). */
  ClientRequestToken: string;
  /** The step to run. */
  Step: RotationStep;
  /** Sent by Secrets Manager for cross-account rotation; passed on to PutSecretValue. */
  RotationToken?: string;
}

const STEPS = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
} satisfies Record<string, (ctx: StepContext) => Promise<StepResult>>;

export type RotationStep = keyof typeof STEPS;
const STEP_NAMES = Object.keys(STEPS) as RotationStep[];

/** Everything an invocation needs besides the event; built once per handler. */
export interface RotationDependencies {
  readonly client: SecretsManagerClient;
  readonly strategy: RotationStrategy;
  readonly bindings: Bindings;
  readonly passwordPolicy: PasswordPolicy;
  readonly database: DatabaseConnector;
}

/**
 * Runs one step of a rotation: validates the event, passes the gate, runs the step and
 * logs one final line. Whatever fails is logged and rethrown as an Error whose message
 * is safe (no secret value, redacted once more).
 */
export async function rotate(event: RotationEvent, deps: RotationDependencies): Promise<void> {
  const redactor = new Redactor();
  const log = new InvocationLogger(
    { secretArn: String(event?.SecretId), step: String(event?.Step), token: String(event?.ClientRequestToken) },
    redactor,
  );
  try {
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = validateEvent(event);
    const store = new SecretStore(deps.client, secretId, redactor);
    const metadata = await store.describe();
    // Looked up by the name DescribeSecret returns: no call, and before anything is read.
    const binding = bindingOf(deps.bindings, metadata.name, secretId);
    const gate = passGate(metadata, secretId, token);
    if (gate === "already-current") {
      log.info(`version ${token} is already ${AWSCURRENT}; nothing to do`, "noop");
      return;
    }
    const result = await STEPS[step]({
      token,
      rotationToken: event.RotationToken,
      strategy: deps.strategy,
      binding,
      store,
      versions: gate,
      database: deps.database,
      passwordPolicy: deps.passwordPolicy,
      log,
    });
    log.info(result.message, result.outcome);
  } catch (error) {
    const message = redactor.redact(describeError(error));
    log.error(message);
    throw new RotationError(message);
  }
}

function validateEvent(event: RotationEvent): RotationEvent {
  if (typeof event !== "object" || event === null) throw new RotationError("the event is not an object");
  for (const key of ["SecretId", "ClientRequestToken"] as const) {
    if (typeof event[key] !== "string" || event[key] === "") {
      throw new RotationError(`the event's ${key} must be a non-empty string`);
    }
  }
  if (!STEP_NAMES.includes(event.Step)) {
    throw new RotationError(`the event's Step must be one of ${STEP_NAMES.join(", ")}`);
  }
  return event;
}

/**
 * The check before every step: rotation is enabled and `token` is a version of the
 * secret labelled AWSPENDING. A version already labelled AWSCURRENT means that this
 * rotation has finished (a late retry): nothing to do.
 */
export function passGate(
  metadata: SecretMetadata,
  secretId: string,
  token: string,
): "already-current" | StepContext["versions"] {
  if (!metadata.rotationEnabled) throw new RotationError(`secret ${secretId}: rotation is not enabled`);
  const stages = Object.hasOwn(metadata.versionStages, token) ? metadata.versionStages[token] : undefined;
  if (stages === undefined) throw new RotationError(`secret ${secretId} has no version ${token}`);
  if (stages.includes(AWSCURRENT)) return "already-current";
  if (!stages.includes(AWSPENDING)) {
    throw new RotationError(`secret ${secretId}: version ${token} is not labelled ${AWSPENDING}`);
  }
  const holding = (stage: string) =>
    Object.keys(metadata.versionStages).find((id) => metadata.versionStages[id].includes(stage));
  const current = holding(AWSCURRENT);
  return {
    current,
    previous: holding(AWSPREVIOUS),
    currentIsSeed: current !== undefined && metadata.versionStages[current].includes(SEED_STAGE),
  };
}
