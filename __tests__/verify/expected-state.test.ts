import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import { expectedState } from "../../scripts/verify/expected-state";
import { synthEnvironments } from "../support/synth";
import { variant } from "../support/variants";

test("reads from the synthesized stacks each secret, its schedule and function, and the master's schedule", async () => {
  const { stacks } = await synthEnvironments([dev, prod]);
  for (const env of [dev, prod]) {
    expect(expectedState(stacks[env.name])).toEqual({
      secrets: [
        { name: env.keyValueSecrets![0].secretName, kind: "key-value" },
        {
          name: env.databaseUsers[0].secretName,
          kind: "database-user",
          schedule: { automaticallyAfterDays: 30 },
          functionName: `${env.name}-rotate-alternating-users`,
        },
      ],
      masterSchedule: { automaticallyAfterDays: 7 },
    });
  }
});

test("keeps a schedule expression and its window", () => {
  const stack = {
    resource: {
      aws_secretsmanager_secret: { S: { name: "app/x" } },
      aws_lambda_function: { F: { function_name: "env-rotate-single-user" } },
      aws_secretsmanager_secret_rotation: {
        R: {
          secret_id: "${aws_secretsmanager_secret.S.id}",
          rotation_lambda_arn: "${aws_lambda_function.F.arn}",
          rotation_rules: { schedule_expression: "rate(12 hours)", duration: "2h" },
        },
      },
    },
  };
  expect(expectedState(stack).secrets).toEqual([
    { name: "app/x", kind: "database-user", schedule: { scheduleExpression: "rate(12 hours)", duration: "2h" }, functionName: "env-rotate-single-user" },
  ]);
});

test("a key/value secret rotated by the environment's own function: its schedule and that function's name", async () => {
  const existing = variant("existing").env;
  const { stacks } = await synthEnvironments([existing]);
  const [keyValueSecret] = existing.keyValueSecrets ?? [];
  expect(expectedState(stacks[existing.name]).secrets).toContainEqual({
    name: keyValueSecret.secretName,
    kind: "key-value",
    schedule: { automaticallyAfterDays: 30 },
    functionName: "tutorial-secret-rotation",
  });
});
