/**
 * The Secrets Manager stand-in, through the real SDK v3 client: the version and
 * staging-label rules the rotation tests rely on, the protocol errors, the rotation
 * service behaviour and the test hooks.
 */
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { randomUUID } from "node:crypto";
import { SEED_STAGE } from "../../shared/secret-contract";
import { FakeSecretsManager, type RotationEvent } from "../support/fake-secrets-manager";
import { RotationDriver, callsPerStep } from "../support/rotation-driver";

let fake: FakeSecretsManager;
let sm: SecretsManagerClient;
beforeAll(async () => {
  fake = await FakeSecretsManager.start();
  sm = fake.client("test", { maxAttempts: 1 });
});
afterAll(async () => {
  sm.destroy();
  await fake.close();
});
afterEach(() => fake.clearFaults());

const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe("versions and staging labels", () => {
  it("creates a secret, reads AWSCURRENT by default, by stage and by version id", async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: uniqueName("plain"), SecretString: "v1" }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:plain-[0-9a-f]{8}-[A-Za-z0-9]{6}$/);
    const byDefault = await sm.send(new GetSecretValueCommand({ SecretId: created.Name }));
    expect(byDefault).toMatchObject({ SecretString: "v1", VersionId: created.VersionId, VersionStages: ["AWSCURRENT"] });
    expect(byDefault.CreatedDate).toBeInstanceOf(Date);
    const byVersion = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN, VersionId: created.VersionId }));
    expect(byVersion.SecretString).toBe("v1");
    await expect(sm.send(new GetSecretValueCommand({ SecretId: created.ARN, VersionStage: "AWSPREVIOUS" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: created.ARN, VersionId: created.VersionId, VersionStage: "AWSPENDING" })),
    ).rejects.toThrow(/can't find the specified secret value for VersionId: .* and staging label: AWSPENDING/);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: "no-such-secret" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(sm.send(new CreateSecretCommand({ Name: created.Name, SecretString: "again" }))).rejects.toBeInstanceOf(
      ResourceExistsException,
    );
  });

  it("moves AWSCURRENT on PutSecretValue, drags AWSPREVIOUS along and deprecates unlabelled versions", async () => {
    const arn = fake.seedSecret({ name: uniqueName("put"), value: "v1", versionId: "version-1-00000000000000000000000", stages: ["AWSCURRENT", SEED_STAGE] });
    const put = (token: string, value: string) =>
      sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value }));
    const v2 = randomUUID();
    const v3 = randomUUID();
    await put(v2, "v2");
    expect(fake.stages(arn)).toEqual({
      "version-1-00000000000000000000000": ["AWSPREVIOUS", SEED_STAGE],
      [v2]: ["AWSCURRENT"],
    });
    await put(v3, "v3");
    expect(fake.stages(arn)).toEqual({
      "version-1-00000000000000000000000": [SEED_STAGE],
      [v2]: ["AWSPREVIOUS"],
      [v3]: ["AWSCURRENT"],
    });
    // A fourth version leaves v2 with no label: deprecated, hidden from DescribeSecret, still readable by id.
    await put(randomUUID(), "v4");
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(Object.keys(described.VersionIdsToStages ?? {})).not.toContain(v2);
    expect(described.VersionIdsToStages?.["version-1-00000000000000000000000"]).toEqual([SEED_STAGE]);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: v2 }))).SecretString).toBe("v2");
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
    expect(listed.Versions?.map((v) => v.VersionId)).toContain(v2);
  });

  it("is idempotent on token and value, and refuses a token reused with another value", async () => {
    const arn = fake.seedSecret({ name: uniqueName("idem"), value: "v1" });
    const token = randomUUID();
    const put = (value: string, stages?: string[]) =>
      sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: stages }));
    await put("pending", ["AWSPENDING"]);
    const before = fake.stages(arn);
    await put("pending", ["AWSPENDING"]);
    expect(fake.stages(arn)).toEqual(before);
    await expect(put("other", ["AWSPENDING"])).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(
      sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: "short", SecretString: "x" })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    expect(fake.stages(arn)).toEqual(before);
  });

  it("with overwritePendingValues, a put replaces the value of the AWSPENDING version only (moto's behaviour)", async () => {
    const arn = fake.seedSecret({ name: uniqueName("overwrite"), value: "v1" });
    const pending = randomUUID();
    const put = (token: string, value: string, stages?: string[]) =>
      sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: stages }));
    await put(pending, "first", ["AWSPENDING"]);
    const current = Object.keys(fake.stages(arn)).find((id) => id !== pending)!;
    fake.overwritePendingValues = true;
    try {
      await put(pending, "second", ["AWSPENDING"]);
      expect(fake.currentValue(arn, "AWSPENDING")).toBe("second");
      await expect(put(current, "not the current one")).rejects.toBeInstanceOf(ResourceExistsException);
    } finally {
      fake.overwritePendingValues = false;
    }
    await expect(put(pending, "third", ["AWSPENDING"])).rejects.toBeInstanceOf(ResourceExistsException);
    expect(fake.currentValue(arn, "AWSPENDING")).toBe("second");
  });

  it("applies UpdateSecretVersionStage move/remove rules", async () => {
    const arn = fake.seedSecret({ name: uniqueName("stage"), value: "v1", versionId: "a".repeat(32) });
    const b = randomUUID();
    await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: b, SecretString: "v2", VersionStages: ["AWSPENDING"] }));
    const update = (input: { VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) =>
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, ...input }));

    await expect(update({ VersionStage: "AWSCURRENT", MoveToVersionId: b })).rejects.toThrow(/You must specify RemoveFromVersionId/);
    await expect(update({ VersionStage: "AWSCURRENT", MoveToVersionId: b, RemoveFromVersionId: b })).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    await expect(update({ VersionStage: "AWSCURRENT", RemoveFromVersionId: "a".repeat(32) })).rejects.toThrow(/can't remove the staging label AWSCURRENT/);
    await expect(update({ VersionStage: "AWSCURRENT", MoveToVersionId: "nope", RemoveFromVersionId: "a".repeat(32) })).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(fake.stages(arn)).toEqual({ ["a".repeat(32)]: ["AWSCURRENT"], [b]: ["AWSPENDING"] });

    await update({ VersionStage: "AWSCURRENT", MoveToVersionId: b, RemoveFromVersionId: "a".repeat(32) });
    expect(fake.stages(arn)).toEqual({ ["a".repeat(32)]: ["AWSPREVIOUS"], [b]: ["AWSCURRENT", "AWSPENDING"] });
    // The same move again (e.g. a retried request) is a no-op.
    await update({ VersionStage: "AWSCURRENT", MoveToVersionId: b, RemoveFromVersionId: "a".repeat(32) });
    expect(fake.stages(arn)).toEqual({ ["a".repeat(32)]: ["AWSPREVIOUS"], [b]: ["AWSCURRENT", "AWSPENDING"] });
    await update({ VersionStage: "AWSPENDING", RemoveFromVersionId: b });
    await update({ VersionStage: "CUSTOM", MoveToVersionId: "a".repeat(32) });
    expect(fake.stages(arn)).toEqual({ ["a".repeat(32)]: ["AWSPREVIOUS", "CUSTOM"], [b]: ["AWSCURRENT"] });
  });
});

describe("GetRandomPassword", () => {
  const password = async (input: GetRandomPasswordCommandInput) =>
    (await sm.send(new GetRandomPasswordCommand(input))).RandomPassword as string;

  it("honours the length, the exclusions and one character of each included type", async () => {
    expect(await password({})).toHaveLength(32);
    for (let i = 0; i < 20; i++) {
      const p = await password({ PasswordLength: 4, ExcludeCharacters: "/@\"'\\:" });
      expect(p).toHaveLength(4);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
      expect(p).not.toMatch(/[/@"'\\: ]/);
    }
    expect(await password({ PasswordLength: 64, ExcludePunctuation: true, ExcludeUppercase: true, ExcludeNumbers: true })).toMatch(/^[a-z]{64}$/);
    expect(await password({ PasswordLength: 200, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeNumbers: true, IncludeSpace: true })).toBe(" ".repeat(200));
    expect(await password({ PasswordLength: 300, ExcludeCharacters: "abcdefghijklmnopqrstuvwxyz" })).not.toMatch(/[a-z]/);
  });

  it("rejects impossible requests", async () => {
    await expect(password({ PasswordLength: 3 })).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(password({ PasswordLength: 0 })).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(password({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });
});

describe("rotation service", () => {
  it("RotateSecret adds an AWSPENDING version without value and runs the four steps in order", async () => {
    const arn = fake.seedSecret({ name: uniqueName("rotate"), value: "v1" });
    const events: RotationEvent[] = [];
    let pendingAtCreate: unknown;
    fake.rotationFunction = async (event) => {
      events.push(event);
      if (event.Step === "createSecret") {
        pendingAtCreate = (await sm.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages?.[event.ClientRequestToken];
        await expect(sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: event.ClientRequestToken }))).rejects.toBeInstanceOf(
          ResourceNotFoundException,
        );
      }
    };
    try {
      const token = randomUUID();
      const result = await sm.send(
        new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token, RotationRules: { AutomaticallyAfterDays: 30 } }),
      );
      expect(result.VersionId).toBe(token);
      await fake.rotationsSettled();
      expect(events).toEqual(
        ["createSecret", "setSecret", "testSecret", "finishSecret"].map((Step) => ({ SecretId: arn, ClientRequestToken: token, Step })),
      );
      expect(pendingAtCreate).toEqual(["AWSPENDING"]);
      const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
      expect(described).toMatchObject({ RotationEnabled: true, RotationRules: { AutomaticallyAfterDays: 30 } });
      expect(described.LastRotatedDate).toBeInstanceOf(Date);
      // The function above never filled the version in: that rotation is still in progress.
      await expect(sm.send(new RotateSecretCommand({ SecretId: arn }))).rejects.toThrow(InvalidRequestException);
      await expect(sm.send(new RotateSecretCommand({ SecretId: arn }))).rejects.toThrow(/A previous rotation isn't complete/);
    } finally {
      fake.rotationFunction = undefined;
    }
  });

  it("CancelRotateSecret turns rotation off and leaves the labels as they are", async () => {
    const arn = fake.seedSecret({ name: uniqueName("cancel"), value: "v1", rotationEnabled: true });
    const token = fake.beginRotation(arn);
    const before = fake.stages(arn);
    expect((await sm.send(new CancelRotateSecretCommand({ SecretId: arn }))).VersionId).toBe(token);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).RotationEnabled).toBe(false);
    expect(fake.stages(arn)).toEqual(before);
  });

  it("lets a new rotation start once AWSPENDING is on the AWSCURRENT version", async () => {
    const arn = fake.seedSecret({ name: uniqueName("stale-pending"), value: "v1", stages: ["AWSCURRENT", "AWSPENDING"] });
    const token = fake.beginRotation(arn);
    expect(fake.stages(arn)[token]).toEqual(["AWSPENDING"]);
  });

  it("the driver starts, abandons and resumes a rotation with the same token, attributing calls to steps", async () => {
    const arn = fake.seedSecret({ name: uniqueName("driver"), value: "v1" });
    const driver = new RotationDriver(fake);
    const lambdaClient = fake.client("lambda", { maxAttempts: 1 });
    const steps: string[] = [];
    const fn = async (event: RotationEvent) => {
      steps.push(event.Step);
      await lambdaClient.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
    };
    const first = await driver.rotate(arn, fn, { stopAfter: "setSecret" });
    expect(first.completedSteps).toEqual(["createSecret", "setSecret"]);
    expect(first.started).toBe(true);
    const resumed = await driver.rotate(arn, fn, { token: first.token });
    expect(resumed).toMatchObject({ token: first.token, started: false, completedSteps: ["createSecret", "setSecret", "testSecret", "finishSecret"] });
    expect(steps).toEqual(["createSecret", "setSecret", "createSecret", "setSecret", "testSecret", "finishSecret"]);
    expect(callsPerStep(resumed.calls)).toEqual({
      createSecret: { DescribeSecret: 1 },
      setSecret: { DescribeSecret: 1 },
      testSecret: { DescribeSecret: 1 },
      finishSecret: { DescribeSecret: 1 },
    });
    expect(resumed.calls.every((c) => c.caller === "lambda")).toBe(true);
    lambdaClient.destroy();
  });
});

describe("test hooks", () => {
  it("injects a fault on the nth call of an operation, only for the named secret", async () => {
    const target = fake.seedSecret({ name: uniqueName("fault"), value: "v1" });
    const other = fake.seedSecret({ name: uniqueName("fault-other"), value: "v1" });
    fake.injectFault({ operation: "GetSecretValue", secretId: target, nth: 2, times: 1, errorType: "AccessDeniedException", message: "denied" });
    const get = (id: string) => sm.send(new GetSecretValueCommand({ SecretId: id }));
    await expect(get(target)).resolves.toBeDefined();
    await expect(get(other)).resolves.toBeDefined();
    await expect(get(target)).rejects.toMatchObject({ name: "AccessDeniedException", message: "denied", $metadata: { httpStatusCode: 400 } });
    await expect(get(target)).resolves.toBeDefined();
  });

  it("fails consecutive calls from the nth on, `times` times, then disarms", async () => {
    const arn = fake.seedSecret({ name: uniqueName("times"), value: "v1" });
    fake.injectFault({ operation: "DescribeSecret", nth: 2, times: 2 });
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await sm.send(new DescribeSecretCommand({ SecretId: arn })).then(() => "ok", (e: Error) => e.name));
    }
    expect(outcomes).toEqual(["ok", "InternalServiceError", "InternalServiceError", "ok", "ok"]);
  });

  it("the SDK's own retries hide a single 500, as they would in AWS", async () => {
    const arn = fake.seedSecret({ name: uniqueName("sdk-retry"), value: "v1" });
    const retrying = fake.client("retrying");
    fake.injectFault({ operation: "GetSecretValue", times: 1 });
    expect((await retrying.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe("v1");
    expect(fake.calls.filter((c) => c.caller === "retrying").map((c) => c.error)).toEqual(["InternalServiceError", undefined]);
    retrying.destroy();
  });

  it("applies a call and then fails it (a lost response) with when: after", async () => {
    const arn = fake.seedSecret({ name: uniqueName("lost"), value: "v1" });
    fake.injectFault({ operation: "PutSecretValue", when: "after" });
    const token = randomUUID();
    await expect(sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: "v2" }))).rejects.toMatchObject({
      name: "InternalServiceError",
      $metadata: { httpStatusCode: 500 },
    });
    expect(fake.currentValue(arn)).toBe("v2");
  });

  it("records calls by operation, secret and caller, and resets", async () => {
    const arn = fake.seedSecret({ name: uniqueName("count"), value: "v1" });
    fake.resetCalls();
    const other = fake.client("someone-else", { maxAttempts: 1 });
    await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    await other.send(new DescribeSecretCommand({ SecretId: arn }));
    await expect(other.send(new GetSecretValueCommand({ SecretId: "missing" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(fake.calls).toEqual([
      { operation: "GetSecretValue", secretId: arn, caller: "test", step: undefined, error: undefined },
      { operation: "DescribeSecret", secretId: arn, caller: "someone-else", step: undefined, error: undefined },
      { operation: "GetSecretValue", secretId: "missing", caller: "someone-else", step: undefined, error: "ResourceNotFoundException" },
    ]);
    expect(fake.countCalls({ caller: "someone-else" })).toBe(2);
    fake.resetCalls();
    expect(fake.countCalls()).toBe(0);
    other.destroy();
  });

  it("is reachable through AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
    const arn = fake.seedSecret({ name: uniqueName("env"), value: "from-env" });
    const saved = { ...process.env };
    Object.assign(process.env, fake.environment("env-caller"));
    try {
      const client = new SecretsManagerClient({});
      expect((await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe("from-env");
      client.destroy();
    } finally {
      process.env = saved;
    }
    expect(fake.countCalls({ caller: "env-caller" })).toBe(1);
  });
});
