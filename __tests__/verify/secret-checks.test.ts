import { checkKeyValueSecret, checkMasterSecret, checkRotatedSecret, type SecretDescription } from "../../scripts/verify/secret-checks";
import type { ExpectedSecret } from "../../scripts/verify/expected-state";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const expected: ExpectedSecret = { name: "app/x", kind: "database-user", schedule: { automaticallyAfterDays: 30 }, functionName: "env-rotate-single-user" };
const healthy: SecretDescription = {
  RotationEnabled: true,
  RotationLambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:env-rotate-single-user",
  RotationRules: { AutomaticallyAfterDays: 30 },
  LastRotatedDate: ago(3),
  NextRotationDate: ago(-27),
  VersionIdsToStages: { v2: ["AWSCURRENT", "AWSPENDING"], v1: ["AWSPREVIOUS"], seed: ["TERRAFORM_SEED"] },
};
const messages = (result: { findings: readonly { message: string }[] }) => result.findings.map((f) => f.message);

describe("a database user's secret", () => {
  test("passes when rotated on schedule by its function, AWSPENDING left on the current version as after every rotation", () => {
    expect(checkRotatedSecret(healthy, expected, NOW)).toEqual({
      findings: [],
      summary: "every 30 days, by env-rotate-single-user, last rotated 2026-06-12T12:00Z, next by 2026-07-12T12:00Z",
    });
  });

  test("accepts the days schedule in the service's other form", () => {
    const described = { ...healthy, RotationRules: { ScheduleExpression: "rate(30 days)" } };
    expect(messages(checkRotatedSecret(described, expected, NOW))).toEqual([]);
  });

  test.each<[string, SecretDescription, string[]]>([
    ["scheduled for deletion", { ...healthy, DeletedDate: ago(1) }, ["is scheduled for deletion (deleted on 2026-06-14T12:00Z)"]],
    [
      "rotated by another function",
      { ...healthy, RotationLambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:someone-else:7" },
      ["is rotated by arn:aws:lambda:us-east-1:123456789012:function:someone-else:7, not by env-rotate-single-user"],
    ],
    [
      "never rotated, no next date",
      { ...healthy, LastRotatedDate: undefined, NextRotationDate: undefined },
      ["has never been rotated: the first rotation did not succeed", "has no next rotation date"],
    ],
    ["without a current version", { ...healthy, VersionIdsToStages: { seed: ["TERRAFORM_SEED"] } }, ["has no AWSCURRENT version"]],
  ])("fails when %s", (_case, described, found) => {
    expect(messages(checkRotatedSecret(described, expected, NOW))).toEqual(found);
  });

  test("allows a rotation late within its window, not beyond", () => {
    const hourly = { ...expected, schedule: { scheduleExpression: "rate(12 hours)", duration: "2h" } };
    const rules = { ScheduleExpression: "rate(12 hours)", Duration: "2h" };
    const hoursAgo = (hours: number) => ({ ...healthy, RotationRules: rules, LastRotatedDate: new Date(NOW.getTime() - hours * 3_600_000) });
    expect(messages(checkRotatedSecret(hoursAgo(13.5), hourly, NOW))).toEqual([]);
    expect(messages(checkRotatedSecret(hoursAgo(14.5), hourly, NOW))).toEqual([
      "was last rotated on 2026-06-14T21:30Z, longer ago than its schedule (rate(12 hours) within 2h) allows",
    ]);
  });
});

test("the master secret must be RDS's", () => {
  const master = { ...healthy, RotationLambdaARN: undefined, RotationRules: { AutomaticallyAfterDays: 7 }, OwningService: "rds" };
  expect(messages(checkMasterSecret(master, { automaticallyAfterDays: 7 }, NOW))).toEqual([]);
  expect(messages(checkMasterSecret({ ...master, OwningService: undefined }, { automaticallyAfterDays: 7 }, NOW))).toEqual([
    "is not managed by RDS (OwningService null)",
  ]);
  // RDS rotates the password it generated only when the schedule comes.
  expect(messages(checkMasterSecret({ ...master, LastRotatedDate: undefined }, { automaticallyAfterDays: 7 }, NOW))).toEqual([]);
});

test("a key/value secret without a value is a warning, not a failure", () => {
  const keyValue = { name: "app/api-key", kind: "key-value" } as const;
  expect(checkKeyValueSecret({ VersionIdsToStages: {} }, keyValue, NOW).findings).toEqual([
    { severity: "warning", message: expect.stringMatching(/^holds no value yet: put one with aws secretsmanager put-secret-value/) },
  ]);
  expect(checkKeyValueSecret({ VersionIdsToStages: { v1: ["AWSCURRENT"] } }, keyValue, NOW)).toEqual({
    findings: [],
    summary: "present, not rotated",
  });
});

test("a key/value secret rotated by the environment's own function: enabled, by that function, on its schedule, not overdue", () => {
  const keyValue = {
    name: "app/api-key",
    kind: "key-value",
    schedule: { automaticallyAfterDays: 90 },
    functionName: "api-key-rotation",
  } as const;
  const rotated: SecretDescription = {
    VersionIdsToStages: { v1: ["AWSCURRENT"] },
    RotationEnabled: true,
    RotationLambdaARN: "arn:aws:lambda:us-east-1:111122223333:function:api-key-rotation",
    RotationRules: { AutomaticallyAfterDays: 90 },
    NextRotationDate: new Date(NOW.getTime() + 86_400_000),
  };
  // Not rotated yet: its rotation starts with the schedule, after a value was put by hand.
  expect(messages(checkKeyValueSecret(rotated, keyValue, NOW))).toEqual([]);
  expect(messages(checkKeyValueSecret({ ...rotated, RotationEnabled: false, RotationLambdaARN: undefined }, keyValue, NOW))).toEqual([
    "rotation is not enabled",
    "is rotated by no function, not by api-key-rotation",
  ]);
  expect(messages(checkKeyValueSecret({ ...rotated, RotationRules: { AutomaticallyAfterDays: 30 } }, keyValue, NOW))).toEqual([
    'rotation schedule is not every 90 days (found {"AutomaticallyAfterDays":30})',
  ]);
  expect(messages(checkKeyValueSecret({ ...rotated, NextRotationDate: new Date(NOW.getTime() - 1) }, keyValue, NOW))).toEqual([
    `the rotation due by ${new Date(NOW.getTime() - 1).toISOString().slice(0, 16)}Z has not succeeded`,
  ]);
});
