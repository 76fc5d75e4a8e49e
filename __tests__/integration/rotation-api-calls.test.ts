/**
 * Secrets Manager calls of the rotation function per rotation and per step: at most 12
 * for a whole rotation (the first one, which creates the user, included), none outside
 * the four steps. The per-step figures are printed.
 */
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import { ROTATION_STEPS } from "../support/fake-secrets-manager";
import { callsPerStep, type RotationOutcome } from "../support/rotation-driver";
import { FUNCTION_CALLER, RotationFixture } from "../support/rotation-fixture";

const MAX_CALLS_PER_ROTATION = 12;

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

/** `{ createSecret: "DescribeSecret 1, GetSecretValue 1, ...", ... }` for one rotation. */
function perStep(outcome: RotationOutcome): Record<string, string> {
  const table = callsPerStep(outcome.calls.filter((c) => c.caller === FUNCTION_CALLER));
  return Object.fromEntries(
    ROTATION_STEPS.map((step) => [
      step,
      Object.entries(table[step])
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, n]) => `${operation} ${n}`)
        .join(", "),
    ]),
  );
}

describe.each<[Engine, RotationStrategy]>([
  ["mariadb", "single-user"],
  ["mariadb", "alternating-users"],
  ["postgres", "single-user"],
  ["postgres", "alternating-users"],
])("%s, %s", (engine, strategy) => {
  it(`makes at most ${MAX_CALLS_PER_ROTATION} Secrets Manager calls per rotation, all within the steps`, async () => {
    const secret = fx.seedDatabaseSecret({ engine });
    const rotate = fx.rotationFunction(strategy);
    fx.fake.resetCalls();
    const outcomes: RotationOutcome[] = [];
    for (let i = 0; i < 3; i++) outcomes.push(await fx.driver.rotate(secret.arn, rotate));

    const ours = fx.fake.calls.filter((c) => c.caller === FUNCTION_CALLER);
    expect(ours.filter((c) => c.step === undefined)).toEqual([]);
    // The one call that fails: createSecret's read of the pending version, which has no value yet.
    expect(ours.filter((c) => c.error !== undefined).map(({ operation, step, error }) => ({ operation, step, error }))).toEqual(
      outcomes.map(() => ({ operation: "GetSecretValue", step: "createSecret", error: "ResourceNotFoundException" })),
    );
    const totals = outcomes.map((o) => o.calls.filter((c) => c.caller === FUNCTION_CALLER).length);
    for (const total of totals) expect(total).toBeLessThanOrEqual(MAX_CALLS_PER_ROTATION);
    // Every step asks DescribeSecret first (rotation enabled? which version is what?).
    for (const outcome of outcomes) {
      for (const step of ROTATION_STEPS) expect(callsPerStep(outcome.calls)[step].DescribeSecret).toBe(1);
    }
    // Steady-state rotations cost the same every time.
    expect(perStep(outcomes[2])).toEqual(perStep(outcomes[1]));

    process.stderr.write(
      `[figures] Secrets Manager calls, ${engine}, ${strategy}: first rotation ${totals[0]}, then ${totals[1]} and ${totals[2]}\n` +
        ["first", "steady"]
          .map((label, i) => `  ${label}: ${Object.entries(perStep(outcomes[i])).map(([step, calls]) => `${step}: ${calls}`).join("; ")}\n`)
          .join(""),
    );
  });
});

it(`single user: a rotation that applies changed privileges with the master stays within ${MAX_CALLS_PER_ROTATION} calls`, async () => {
  const secret = fx.seedDatabaseSecret({ engine: "postgres", privileges: ["SELECT", "INSERT"] });
  const rotate = fx.rotationFunction("single-user");
  await fx.driver.rotate(secret.arn, rotate);
  fx.rebind(secret, ["SELECT"]);
  const outcome = await fx.driver.rotate(secret.arn, fx.rotationFunction("single-user"));
  const ours = outcome.calls.filter((c) => c.caller === FUNCTION_CALLER);
  expect(ours).toHaveLength(MAX_CALLS_PER_ROTATION);
  expect(ours.filter((c) => c.secretId === fx.masterArns.postgres).map((c) => [c.step, c.operation])).toEqual([["setSecret", "GetSecretValue"]]);
  expect(await fx.probePrivileges(secret.server, fx.credentials(secret.arn))).toMatchObject({ SELECT: true, INSERT: false });
});

it("single user: when only the previous password logs in, changed privileges wait for the next rotation (no 13th call)", async () => {
  const secret = fx.seedDatabaseSecret({ engine: "postgres", privileges: ["SELECT", "INSERT"] });
  const rotate = fx.rotationFunction("single-user");
  await fx.driver.rotate(secret.arn, rotate);
  await fx.driver.rotate(secret.arn, rotate);
  // The database went back to the password before last (a restore, say).
  const previous = fx.credentials(secret.arn, "AWSPREVIOUS");
  await fx.asSuperuser(secret.server, (s) => s.query(`ALTER ROLE "${previous.username}" PASSWORD '${previous.password}'`));
  fx.rebind(secret, ["SELECT"]);
  const recovering = await fx.driver.rotate(secret.arn, fx.rotationFunction("single-user"));
  expect(recovering.calls.filter((c) => c.caller === FUNCTION_CALLER)).toHaveLength(MAX_CALLS_PER_ROTATION);
  expect(await fx.probePrivileges(secret.server, fx.credentials(secret.arn))).toMatchObject({ SELECT: true, INSERT: true });
  await fx.driver.rotate(secret.arn, fx.rotationFunction("single-user"));
  expect(await fx.probePrivileges(secret.server, fx.credentials(secret.arn))).toMatchObject({ SELECT: true, INSERT: false });
});
