/**
 * Drives a rotation function the way Secrets Manager does, against a FakeSecretsManager:
 * start a rotation (a new version with AWSPENDING), invoke createSecret, setSecret,
 * testSecret and finishSecret in order with the same ClientRequestToken, and on a retry
 * run all four steps again with that same token. Hooks put faults between steps.
 */
import {
  FakeSecretsManager,
  ROTATION_STEPS,
  type CallRecord,
  type RotationFunction,
  type RotationStep,
  type StepHook,
} from "./fake-secrets-manager";

export interface RotateOptions {
  /**
   * ClientRequestToken of the rotation. If the secret already has a version with this
   * id, the rotation is resumed: the service's retry, all four steps again. Otherwise a
   * rotation with this token is started.
   * @default a new UUID (a new rotation)
   */
  readonly token?: string;
  /** Abandon the rotation after this step succeeds, as if the function's process died. */
  readonly stopAfter?: RotationStep;
  /** Runs before each step; throwing fails the rotation at that step without invoking it. */
  readonly beforeStep?: StepHook;
  /** Runs after each successful step; throwing fails the rotation at that step. */
  readonly afterStep?: StepHook;
}

export interface RotationOutcome {
  readonly token: string;
  /** Whether this run started the rotation (false: it resumed one). */
  readonly started: boolean;
  /** Steps that succeeded, in order. */
  readonly completedSteps: readonly RotationStep[];
  /** Secrets Manager calls made while a step of this run was running (every caller). */
  readonly calls: readonly CallRecord[];
}

/** Number of calls per step and operation, e.g. `{ createSecret: { GetSecretValue: 2 } }`. */
export function callsPerStep(calls: readonly CallRecord[]): Record<RotationStep, Record<string, number>> {
  const table = Object.fromEntries(ROTATION_STEPS.map((step) => [step, {} as Record<string, number>])) as Record<
    RotationStep,
    Record<string, number>
  >;
  for (const { step, operation } of calls) {
    if (step) table[step][operation] = (table[step][operation] ?? 0) + 1;
  }
  return table;
}

export class RotationDriver {
  constructor(readonly fake: FakeSecretsManager) {}

  /**
   * Starts or resumes a rotation of `secretId` and runs the steps with `rotationFunction`.
   * Rejects with the RotationStepError of the first failing step (its `token` resumes it).
   */
  async rotate(secretId: string, rotationFunction: RotationFunction, options: RotateOptions = {}): Promise<RotationOutcome> {
    const resuming = options.token !== undefined && this.fake.versions(secretId).some((v) => v.versionId === options.token);
    const token = resuming ? (options.token as string) : this.fake.beginRotation(secretId, options.token);
    const completedSteps: RotationStep[] = [];
    const firstCall = this.fake.calls.length;
    await this.fake.runRotation(secretId, token, rotationFunction, {
      stopAfter: options.stopAfter,
      beforeStep: options.beforeStep,
      afterStep: async (step) => {
        completedSteps.push(step);
        await options.afterStep?.(step);
      },
    });
    return { token, started: !resuming, completedSteps, calls: this.fake.calls.slice(firstCall).filter((c) => c.step) };
  }

  /**
   * Invokes one step with the given token, as a direct (or misdirected) invocation would;
   * `step` may be any string, to test how the function refuses a step it does not know.
   */
  invokeStep(secretId: string, rotationFunction: RotationFunction, token: string, step: string): Promise<unknown> {
    return rotationFunction({ SecretId: this.fake.arnOf(secretId), ClientRequestToken: token, Step: step as RotationStep });
  }
}
