import type { RotationEvent } from "../../lambda/index";
import type { RotationStrategy } from "../../shared/secret-contract";
import { MASTER, SEED, STEPS, captureLogs, setUp, type CommandName, type FakeOperation } from "./fakes";

type Context = ReturnType<typeof setUp>;
type Step = RotationEvent["Step"];

beforeEach(() => {
  captureLogs();
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** Runs a whole rotation as Secrets Manager does; returns the number of API calls of each step. */
async function rotate(context: Context, token = context.secrets.beginRotation()): Promise<Record<Step, number>> {
  const calls: Partial<Record<Step, number>> = {};
  for (const step of STEPS) {
    const before = context.secrets.callCount;
    await context.invoke(step, token);
    calls[step] = context.secrets.callCount - before;
  }
  return calls as Record<Step, number>;
}

/** Runs the steps until one fails, then all four again with the same token (the service's retry). */
async function rotateWithRetry(context: Context): Promise<void> {
  const token = context.secrets.beginRotation();
  let failed = false;
  for (const step of STEPS) {
    failed = await context.invoke(step, token).then(
      () => false,
      () => true,
    );
    if (failed) break;
  }
  expect(failed).toBe(true);
  await rotate(context, token);
}

/** The current version's credentials log in to the fake database. */
function expectCurrentLogsIn(context: Context): void {
  const current = context.secrets.json();
  expect(context.database.users.get(current.username as string)?.password).toBe(current.password);
}

const calls = (createSecret: number, setSecret: number, testSecret: number, finishSecret: number) => ({
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
});

describe("whole rotations", () => {
  test("single user: bootstrap, then rotations; at most 12 Secrets Manager calls each", async () => {
    const context = setUp("single-user");
    expect(await rotate(context)).toEqual(calls(4, 4, 2, 2));
    expectCurrentLogsIn(context);
    const first = context.secrets.json().password;
    expect(await rotate(context)).toEqual(calls(4, 3, 2, 2));
    expect(await rotate(context)).toEqual(calls(4, 3, 2, 2));
    expectCurrentLogsIn(context);
    expect(context.secrets.json().password).not.toBe(first);
    expect(context.secrets.json().username).toBe("app");
    expect(context.database.users.get("app")?.privileges).toEqual(["SELECT on appdb", "INSERT on appdb"]);
  });

  test("single user, falling back to the previous password: 12 calls", async () => {
    const context = setUp("single-user");
    await rotate(context);
    await rotate(context);
    // The database still has the password before last (a restore, a manual reset...).
    context.database.users.get("app")!.password = context.secrets.json("AWSPREVIOUS").password as string;
    expect(await rotate(context)).toEqual(calls(4, 4, 2, 2));
    expectCurrentLogsIn(context);
  });

  test("alternating users: app, app_clone, app...; 12 calls each; the previous user keeps working", async () => {
    const context = setUp("alternating-users");
    const users: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await rotate(context)).toEqual(calls(4, 4, 2, 2));
      expectCurrentLogsIn(context);
      users.push(context.secrets.json().username);
    }
    expect(users).toEqual(["app", "app_clone", "app", "app_clone"]);
    const previous = context.secrets.json("AWSPREVIOUS");
    expect(context.database.users.get(previous.username as string)?.password).toBe(previous.password);
    expect(context.database.users.get("app_clone")?.privileges).toEqual(["SELECT on appdb", "INSERT on appdb"]);
  });

  test.each(["single-user", "alternating-users"] as const)(
    "%s: every step invoked twice (retries after success) gives the same result",
    async (strategy) => {
      const context = setUp(strategy);
      for (let i = 0; i < 2; i++) {
        const token = context.secrets.beginRotation();
        for (const step of STEPS) {
          await context.invoke(step, token);
          const pending = context.secrets.versions.get(token)?.value;
          await context.invoke(step, token);
          expect(context.secrets.versions.get(token)?.value).toBe(pending);
        }
        expect(context.secrets.stagesOf(token)).toEqual(["AWSCURRENT", "AWSPENDING"]);
        expectCurrentLogsIn(context);
      }
      expect(context.secrets.json().username).toBe(strategy === "single-user" ? "app" : "app_clone");
    },
  );
});

describe("a failure at any point, then the service's retry, converges", () => {
  const databaseFaults: [RotationStrategy, FakeOperation, number][] = [
    ["single-user", "createUser", 0],
    ["single-user", "grantPrivileges", 0],
    ["single-user", "setOwnPassword", 1],
    ["single-user", "test", 1],
    ["alternating-users", "userExists", 1],
    ["alternating-users", "createUser", 1],
    ["alternating-users", "copyPrivileges", 1],
    ["alternating-users", "setPassword", 2],
    ["alternating-users", "grantPrivileges", 2],
  ];
  test.each(databaseFaults)("%s: database operation %s fails in rotation %i", async (strategy, operation, rotation) => {
    const context = setUp(strategy);
    for (let i = 0; i < rotation; i++) await rotate(context);
    context.database.failNext(operation);
    await rotateWithRetry(context);
    expectCurrentLogsIn(context);
    const current = context.secrets.json().username as string;
    expect(context.database.users.get(current)?.privileges).toEqual(["SELECT on appdb", "INSERT on appdb"]);
    expect(context.database.openSessions).toBe(0);
  });

  const apiFaults: [CommandName, "before" | "after"][] = [
    ["GetRandomPassword", "before"],
    ["PutSecretValue", "before"],
    ["PutSecretValue", "after"],
    ["UpdateSecretVersionStage", "before"],
    ["UpdateSecretVersionStage", "after"],
  ];
  test.each(apiFaults)("%s fails %s taking effect", async (command, when) => {
    const context = setUp("alternating-users");
    await rotate(context);
    context.secrets.failNext(command, when);
    await rotateWithRetry(context);
    expectCurrentLogsIn(context);
    expect(context.secrets.json().username).toBe("app_clone");
  });

  test("a lost PutSecretValue response keeps the stored password, which setSecret then uses", async () => {
    const context = setUp("single-user");
    const token = context.secrets.beginRotation();
    context.secrets.failNext("PutSecretValue", "after");
    await expect(context.invoke("createSecret", token)).rejects.toThrow("PutSecretValue failed: InternalServiceError: injected fault");
    const stored = context.secrets.json("AWSPENDING").password;
    await rotate(context, token);
    expect(context.secrets.json().password).toBe(stored);
    expect(context.secrets.generated).toHaveLength(2);
  });
});

describe("secrets never reach logs or errors", () => {
  test("passwords appear in no log line and no thrown message, even if a driver quotes one", async () => {
    const logs = captureLogs();
    const errors: string[] = [];
    const record = (promise: Promise<void>) => promise.catch((error: Error) => void errors.push(error.message));

    const alternating = setUp("alternating-users");
    await rotate(alternating);
    await rotate(alternating);
    const token = alternating.secrets.beginRotation();
    await alternating.invoke("createSecret", token);
    const pending = alternating.secrets.json("AWSPENDING").password as string;
    // A driver error quoting the statement, password included.
    alternating.database.failNext("setPassword", new Error(`ALTER USER 'app'@'%' IDENTIFIED BY '${pending}': timeout`));
    await record(alternating.invoke("setSecret", token));
    await rotate(alternating, token);

    const single = setUp("single-user");
    await rotate(single);
    single.database.users.get("app")!.password = "reset-by-someone";
    await record(rotate(single).then(() => undefined));

    expect(errors).toEqual([
      "Error: ALTER USER 'app'@'%' IDENTIFIED BY '[REDACTED]': timeout",
      expect.stringContaining("the current password of user app no longer logs in"),
    ]);
    // Alternating: 3 rotations, createSecret retried once; single user: 2 rotations.
    const passwords = [...alternating.secrets.generated, ...single.secrets.generated, MASTER.password];
    expect(passwords).toHaveLength(4 + 2 + 1);
    const lines = logs.lines();
    expect(logs.text()).toContain("IDENTIFIED BY '[REDACTED]'");
    for (const password of passwords) {
      expect(logs.text()).not.toContain(password);
      for (const message of errors) expect(message).not.toContain(password);
    }
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(["level", "secretArn", "step", "token", "outcome", "message", "durationMs"]);
    }
    expect(lines.filter((line) => line.level === "error")).toHaveLength(2);
  });

  test("log lines carry the secret, step, token, outcome and duration", async () => {
    const logs = captureLogs();
    const context = setUp("single-user", { seed: { ...SEED } });
    const token = context.secrets.beginRotation();
    await rotate(context, token);
    expect(logs.lines()).toEqual(
      STEPS.map((step) =>
        expect.objectContaining({ level: "info", step, token, outcome: "success", durationMs: expect.any(Number) }),
      ),
    );
  });
});
