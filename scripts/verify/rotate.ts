import { DescribeSecretCommand, RotateSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { setTimeout as sleep } from "node:timers/promises";

export interface RotateOptions {
  /** How long to wait for the rotation to finish. */
  readonly timeoutMs: number;
  /** How often to look at the secret's versions. */
  readonly pollMs: number;
  /** Called with a line of progress while the rotation runs. */
  readonly progress: (message: string) => void;
}

export interface RotationOutcome {
  readonly succeeded: boolean;
  readonly message: string;
}

/** How often a rotation still running is reported. */
const PROGRESS_EVERY_MS = 15_000;

/**
 * Starts a rotation of the secret with its configured function and schedule
 * (RotateSecret without parameters), then watches the new version until it becomes
 * AWSCURRENT, loses AWSPENDING without becoming current, or the time is up. Secrets
 * Manager retries a failed rotation and reports no failure through the API, so a failing
 * rotation shows as one that does not finish in time.
 */
export async function rotateAndWait(client: SecretsManagerClient, secretArn: string, options: RotateOptions): Promise<RotationOutcome> {
  const started = Date.now();
  let token: string | undefined;
  try {
    token = (await client.send(new RotateSecretCommand({ SecretId: secretArn }))).VersionId;
  } catch (error) {
    return { succeeded: false, message: `could not start a rotation: ${describeError(error)}` };
  }
  if (token === undefined) return { succeeded: false, message: "RotateSecret returned no version" };
  options.progress(`started, version ${token}`);
  let reported = started;
  for (;;) {
    await sleep(options.pollMs);
    const elapsed = Date.now() - started;
    const stages = (await client.send(new DescribeSecretCommand({ SecretId: secretArn }))).VersionIdsToStages ?? {};
    const labels = stages[token] ?? [];
    if (labels.includes("AWSCURRENT")) {
      return { succeeded: true, message: `rotated in ${seconds(elapsed)}: version ${token} is AWSCURRENT` };
    }
    if (!labels.includes("AWSPENDING")) {
      return { succeeded: false, message: `version ${token} lost AWSPENDING without becoming AWSCURRENT: the rotation was cancelled or replaced` };
    }
    if (elapsed >= options.timeoutMs) {
      return {
        succeeded: false,
        message: `did not finish within ${seconds(options.timeoutMs)}: version ${token} is still AWSPENDING (the function's log group names the failing step)`,
      };
    }
    if (Date.now() - reported >= PROGRESS_EVERY_MS) {
      options.progress(`still rotating after ${seconds(elapsed)}`);
      reported = Date.now();
    }
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** An AWS error as `Name: message`; the service's messages name resources, never secret values. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
