/**
 * Faults around every step, then the service's retry of the whole rotation with the
 * same token, which must complete. At every point (before and after each step, after a
 * failure) the test logs in with AWSCURRENT:
 *  - alternating users: it always works;
 *  - single user: it fails exactly between a successful setSecret and the move of
 *    AWSCURRENT to the new version (the window this strategy cannot avoid), and works
 *    everywhere else. The pending credentials log in exactly once setSecret succeeded.
 *
 * Faults: a Secrets Manager error on a step's first call (nothing applied) or on its
 * last call (applied, response lost), the function's process killed after a step, and
 * the database down from before a step (stopped and restarted, data kept).
 *
 * The whole suite runs twice: against a Secrets Manager that refuses a second put of a
 * version's value (as the service documents) and against one that lets the put
 * overwrite the value of a pending version (as the emulator moto does).
 */
import { randomUUID } from "node:crypto";
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import { startDatabases, startServer, stopServer, type RunningDatabases } from "../support/db-servers";
import { ROTATION_STEPS, RotationStepError, type CallRecord, type Operation, type RotationStep } from "../support/fake-secrets-manager";
import type { RotateOptions, RotationOutcome } from "../support/rotation-driver";
import { FUNCTION_CALLER, RotationFixture, type SeededSecret } from "../support/rotation-fixture";

jest.setTimeout(20_000);

let databases: RunningDatabases;
let fx: RotationFixture;
beforeAll(async () => {
  // Servers of its own: this file stops and restarts them, which must not disturb the
  // test files that jest may run in parallel against the shared servers.
  databases = await startDatabases();
  fx = await RotationFixture.create(databases);
}, 60_000);
afterAll(async () => {
  await fx?.close();
  await databases?.stop();
});
afterEach(() => fx.fake.clearFaults());

const COMBOS: readonly [Engine, RotationStrategy][] = [
  ["mariadb", "single-user"],
  ["mariadb", "alternating-users"],
  ["postgres", "single-user"],
  ["postgres", "alternating-users"],
];

/**
 * Single user: the points at which AWSCURRENT does not log in when the process dies
 * after a step and the service retries (#1 = first attempt, #2 = retry; the retry's
 * steps find their work done, but AWSCURRENT only moves in its finishSecret).
 */
const SINGLE_USER_OUTAGE_AFTER_KILL: Record<RotationStep, string[]> = {
  createSecret: ["#2 after setSecret", "#2 after testSecret"],
  setSecret: ["#1 after setSecret", "#2 before createSecret", "#2 after createSecret", "#2 after setSecret", "#2 after testSecret"],
  testSecret: [
    "#1 after setSecret",
    "#1 after testSecret",
    "#2 before createSecret",
    "#2 after createSecret",
    "#2 after setSecret",
    "#2 after testSecret",
  ],
  finishSecret: ["#1 after setSecret", "#1 after testSecret"],
};

/** Watches one rotation (token) across attempts and records every broken expectation. */
class RotationWatch {
  readonly token = randomUUID();
  readonly violations: string[] = [];
  /** Points at which AWSCURRENT did not log in. */
  readonly currentFailedAt: string[] = [];
  databaseUp = true;
  private setSecretDone = false;
  /** Number of runs of the steps so far (1 = the first attempt, 2 = the retry). */
  private attempt = 0;

  constructor(
    private readonly secret: SeededSecret,
    private readonly strategy: RotationStrategy,
  ) {}

  /**
   * Hooks for the driver that check before the first step and after every step (nothing
   * happens between one step's end and the next one's start), plus optional extras.
   */
  hooks(extra: Pick<RotateOptions, "beforeStep" | "afterStep"> = {}): Pick<RotateOptions, "token" | "beforeStep" | "afterStep"> {
    this.attempt++;
    const attempt = this.attempt;
    return {
      token: this.token,
      beforeStep: async (step) => {
        if (step === "createSecret") await this.check(`#${attempt} before ${step}`);
        await extra.beforeStep?.(step);
      },
      afterStep: async (step) => {
        if (step === "setSecret") this.setSecretDone = true;
        await this.check(`#${attempt} after ${step}`);
        await extra.afterStep?.(step);
      },
    };
  }

  async check(point: string): Promise<void> {
    if (!this.databaseUp) return;
    const { arn, server } = this.secret;
    const moved = (fx.fake.stages(arn)[this.token] ?? []).includes("AWSCURRENT");
    const windowOpen = this.strategy === "single-user" && this.setSecretDone && !moved;
    const pending = moved ? undefined : fx.fake.versions(arn).find((v) => v.versionId === this.token)?.secretString;
    const [currentLogsIn, pendingLogsIn] = await Promise.all([
      fx.canLogIn(server, fx.credentials(arn)),
      pending === undefined ? undefined : fx.canLogIn(server, JSON.parse(pending) as { username: string; password: string }),
    ]);
    if (!currentLogsIn) this.currentFailedAt.push(point);
    if (currentLogsIn === windowOpen) {
      this.violations.push(`${point}: AWSCURRENT ${currentLogsIn ? "logs in" : "does not log in"} (setSecret done: ${this.setSecretDone})`);
    }
    if (pendingLogsIn !== undefined) {
      if (pendingLogsIn !== this.setSecretDone) {
        this.violations.push(`${point}: AWSPENDING ${pendingLogsIn ? "logs in" : "does not log in"} (setSecret done: ${this.setSecretDone})`);
      }
    }
  }
}

async function attempt(secret: SeededSecret, strategy: RotationStrategy, options: RotateOptions): Promise<RotationOutcome | RotationStepError> {
  return fx.driver.rotate(secret.arn, fx.rotationFunction(strategy), options).catch((error: unknown) => {
    if (error instanceof RotationStepError) return error;
    throw error;
  });
}

/** Retries with the same token and checks the end state of a successful rotation. */
async function retryAndVerify(secret: SeededSecret, strategy: RotationStrategy, watch: RotationWatch, before: { currentVersion: string }) {
  const retry = await attempt(secret, strategy, watch.hooks());
  expect(retry).not.toBeInstanceOf(RotationStepError);
  await watch.check("after the retry");
  expect(watch.violations).toEqual([]);

  const stages = fx.fake.stages(secret.arn);
  expect(stages[watch.token]).toContain("AWSCURRENT");
  expect(stages[before.currentVersion]).toContain("AWSPREVIOUS");
  expect(stages[secret.seedVersionId]).toContain("TERRAFORM_SEED");
  const current = fx.credentials(secret.arn);
  const previous = fx.credentials(secret.arn, "AWSPREVIOUS");
  expect(await fx.canLogIn(secret.server, current)).toBe(true);
  expect(await fx.canLogIn(secret.server, previous)).toBe(strategy === "alternating-users");
  expect(await fx.probePrivileges(secret.server, current)).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, CREATE: false });
  for (const { password } of [current, previous]) expect(fx.logText()).not.toContain(password);
}

/** A secret after its first rotation: the next rotation is a steady-state one (for alternating users, it creates the clone). */
async function bootstrapped(engine: Engine, strategy: RotationStrategy): Promise<{ secret: SeededSecret; currentVersion: string }> {
  const secret = fx.seedDatabaseSecret({ engine });
  const { token } = await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
  return { secret, currentVersion: token };
}

describe.each([
  ["refuses to overwrite a stored value", false],
  ["lets a put overwrite a pending value", true],
])("Secrets Manager that %s", (_behaviour, overwrite) => {
  beforeAll(() => {
    fx.fake.overwritePendingValues = overwrite;
  });
  afterAll(() => {
    fx.fake.overwritePendingValues = false;
  });

  describe.each(COMBOS)("%s, %s", (engine, strategy) => {
    /**
     * The function's Secrets Manager calls in each step of a steady-state rotation, from a
     * rotation of another secret: `secretId` undefined stands for the rotated secret itself.
     */
    let reference: Record<RotationStep, CallRecord[]>;
    beforeAll(async () => {
      const { secret } = await bootstrapped(engine, strategy);
      const outcome = await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
      const calls = outcome.calls
        .filter((c) => c.caller === FUNCTION_CALLER)
        .map((c) => ({ ...c, secretId: c.secretId === secret.arn ? undefined : c.secretId }));
      reference = Object.fromEntries(ROTATION_STEPS.map((step) => [step, calls.filter((c) => c.step === step)])) as typeof reference;
    });

    describe.each(ROTATION_STEPS)("%s", (step) => {
      it.each(["first", "last"] as const)("Secrets Manager fails the step's %s call, then the retry completes", async (position) => {
        const { secret, currentVersion } = await bootstrapped(engine, strategy);
        const calls = reference[step];
        const target = position === "first" ? calls[0] : calls[calls.length - 1];
        const nth = calls.slice(0, calls.indexOf(target) + 1).filter((c) => c.operation === target.operation && c.secretId === target.secretId).length;
        const watch = new RotationWatch(secret, strategy);

        const outcome = await attempt(secret, strategy, {
          ...watch.hooks({
            beforeStep: (s) => {
              if (s === step) {
                fx.fake.injectFault({
                  operation: target.operation as Operation,
                  secretId: target.secretId ?? secret.arn,
                  nth,
                  // A lost response: the call took effect; the SDK's retries fail too.
                  when: position === "first" ? "before" : "after",
                });
              }
            },
          }),
        });
        expect(outcome).toBeInstanceOf(RotationStepError);
        expect((outcome as RotationStepError).step).toBe(step);
        expect((outcome as RotationStepError).message).toMatch(new RegExp(`${target.operation}.* failed: .*InternalServiceError`));
        fx.fake.clearFaults();
        await watch.check("after the failure");

        await retryAndVerify(secret, strategy, watch, { currentVersion });
      });

      it("the function's process dies after the step, then the retry completes", async () => {
        const { secret, currentVersion } = await bootstrapped(engine, strategy);
        const watch = new RotationWatch(secret, strategy);
        const outcome = await attempt(secret, strategy, { ...watch.hooks(), stopAfter: step });
        expect(outcome).toMatchObject({ completedSteps: ROTATION_STEPS.slice(0, ROTATION_STEPS.indexOf(step) + 1) });
        await retryAndVerify(secret, strategy, watch, { currentVersion });
        expect(watch.currentFailedAt).toEqual(strategy === "single-user" ? SINGLE_USER_OUTAGE_AFTER_KILL[step] : []);
      });

      it("the database goes down before the step, comes back, then the retry completes", async () => {
        const { secret, currentVersion } = await bootstrapped(engine, strategy);
        const watch = new RotationWatch(secret, strategy);
        let outcome: RotationOutcome | RotationStepError;
        try {
          outcome = await attempt(secret, strategy, {
            ...watch.hooks({
              beforeStep: async (s) => {
                if (s !== step) return;
                watch.databaseUp = false;
                await stopServer(secret.server);
              },
            }),
          });
        } finally {
          await startServer(secret.server);
          watch.databaseUp = true;
        }
        // createSecret and finishSecret do not use the database: the first step that does fails.
        const failingStep = step === "createSecret" ? "setSecret" : step === "finishSecret" ? undefined : step;
        if (failingStep === undefined) {
          expect(outcome).toMatchObject({ completedSteps: ROTATION_STEPS });
        } else {
          expect(outcome).toBeInstanceOf(RotationStepError);
          expect((outcome as RotationStepError).step).toBe(failingStep);
          expect((outcome as RotationStepError).message).toMatch(
            new RegExp(`connect to ${engine} at ${secret.server.host}:${secret.server.port} as \\w+ failed: ECONNREFUSED`),
          );
        }
        await watch.check("after the database came back");
        await retryAndVerify(secret, strategy, watch, { currentVersion });
      });
    });
  });

  describe.each(COMBOS)("first rotation (bootstrap), %s, %s", (engine, strategy) => {
    it.each(ROTATION_STEPS)("the process dies after %s, then the retry creates the user", async (step) => {
      const secret = fx.seedDatabaseSecret({ engine });
      const watch = new RotationWatch(secret, strategy);
      const rotate = fx.rotationFunction(strategy);
      const first = await fx.driver.rotate(secret.arn, rotate, { token: watch.token, stopAfter: step });
      expect(first.completedSteps).toEqual(ROTATION_STEPS.slice(0, ROTATION_STEPS.indexOf(step) + 1));
      await fx.driver.rotate(secret.arn, rotate, { token: watch.token });
      expect(fx.fake.stages(secret.arn)[watch.token]).toContain("AWSCURRENT");
      expect(fx.fake.stages(secret.arn)[secret.seedVersionId]).toEqual(["AWSPREVIOUS", "TERRAFORM_SEED"]);
      const current = fx.credentials(secret.arn);
      expect(current.username).toBe(secret.username);
      expect(await fx.probePrivileges(secret.server, current)).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, CREATE: false });
    });
  });
});
