/**
 * Bad input: each case checks the error message, that it leaks no password, and that
 * neither the secret (versions, values, labels) nor the database changed.
 */
import { randomUUID } from "node:crypto";
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import { RotationStepError, type RotationStep } from "../support/fake-secrets-manager";
import { RotationFixture, type SeedSecretOptions, type SeededSecret } from "../support/rotation-fixture";

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());
afterEach(() => fx.fake.clearFaults());

interface Snapshot {
  readonly stages: Record<string, string[]>;
  readonly values: Record<string, string | undefined>;
  readonly database: unknown;
}

async function snapshot(secret: SeededSecret): Promise<Snapshot> {
  return {
    ...fx.secretState(secret.arn),
    database: await fx.databaseState(secret.server, [secret.username, `${secret.username}_clone`]),
  };
}

/** Passwords known to the test: none may appear in an error message or a log line. */
function knownPasswords(secret: SeededSecret): string[] {
  const fromVersions = fx.fake.versions(secret.arn).map((v) => {
    try {
      return (JSON.parse(v.secretString ?? "{}") as { password?: string }).password;
    } catch {
      return undefined;
    }
  });
  return [...fromVersions, secret.server.admin.password].filter((p): p is string => typeof p === "string");
}

/**
 * Starts a rotation (the service's part), then runs the steps; expects `step` to fail
 * with `message` and nothing to change. `pendingGetsValue`: the failure comes after
 * createSecret, which legitimately stored the pending value.
 */
async function expectRotationRejected(
  secret: SeededSecret,
  strategy: RotationStrategy,
  expected: { step: RotationStep; message: RegExp; pendingGetsValue?: boolean },
): Promise<void> {
  const token = fx.fake.beginRotation(secret.arn);
  const before = await snapshot(secret);
  const error = await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy), { token }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RotationStepError);
  const failure = error as RotationStepError;
  expect({ step: failure.step, message: failure.message }).toEqual({ step: expected.step, message: expect.stringMatching(expected.message) });

  const after = await snapshot(secret);
  expect(after.stages).toEqual(before.stages);
  expect(after.database).toEqual(before.database);
  const { [token]: pendingAfter, ...othersAfter } = after.values;
  const { [token]: pendingBefore, ...othersBefore } = before.values;
  expect(othersAfter).toEqual(othersBefore);
  expect(pendingBefore).toBeUndefined();
  if (expected.pendingGetsValue) expect(pendingAfter).toEqual(expect.any(String));
  else expect(pendingAfter).toBeUndefined();

  for (const password of knownPasswords(secret)) {
    expect(failure.message).not.toContain(password);
    expect(fx.logText()).not.toContain(password);
  }
}

/** Invokes one step directly with `token`; expects `message` and no change. */
async function expectStepRejected(secret: SeededSecret, strategy: RotationStrategy, token: string, step: string, message: RegExp) {
  const before = await snapshot(secret);
  await expect(fx.driver.invokeStep(secret.arn, fx.rotationFunction(strategy), token, step)).rejects.toThrow(message);
  expect(await snapshot(secret)).toEqual(before);
}

async function bootstrapped(engine: Engine, strategy: RotationStrategy, options: Partial<SeedSecretOptions> = {}): Promise<SeededSecret> {
  const secret = fx.seedDatabaseSecret({ engine, ...options });
  await fx.driver.rotate(secret.arn, fx.rotationFunction(strategy));
  return secret;
}

describe.each(["mariadb", "postgres"] as const)("%s", (engine) => {
  describe("invalid AWSCURRENT secret: createSecret refuses before writing anything", () => {
    it.each<[string, Partial<SeedSecretOptions>, RegExp]>([
      ["malformed JSON", { rawValue: '{"engine": "mariadb", "host": ' }, /secret .* version AWSCURRENT: value is not valid JSON$/],
      ["a JSON array", { rawValue: "[1, 2]" }, /value is not a JSON object/],
      ["no host", { omit: ["host"] }, /"host" must be a non-empty string/],
      ["no username", { omit: ["username"] }, /"username" must be a non-empty string/],
      ["no engine", { omit: ["engine"] }, /"engine" must be one of mysql, mariadb, aurora-mysql, postgres, aurora-postgresql/],
      ["an unknown engine", { override: { engine: "oracle-ee" } }, /"engine" must be one of mysql, mariadb/],
      ["a username that is not the bound user", { override: { username: "app; DROP TABLE items" } }, /"username" disagrees with the function's binding/],
      ["an unknown privilege", { override: { privileges: ["SELECT", "ALL PRIVILEGES"] } }, /"privileges" must be a non-empty array of SELECT, INSERT, UPDATE, DELETE/],
      ["a port as words", { override: { port: "three" } }, /"port" must be an integer from 1 to 65535/],
    ])("%s", async (_name, seed, message) => {
      const secret = fx.seedDatabaseSecret({ engine, ...seed });
      await expectRotationRejected(secret, "alternating-users", { step: "createSecret", message });
    });

    it("no password in a version that is not Terraform's seed: not bootstrapped again", async () => {
      const secret = await bootstrapped(engine, "single-user");
      const { password: _dropped, ...withoutPassword } = fx.value(secret.arn);
      await fx.putCurrentValue(secret.arn, withoutPassword);
      await expectRotationRejected(secret, "single-user", {
        step: "createSecret",
        message: /"password" is missing, and the version is not Terraform's seed \(TERRAFORM_SEED\)/,
      });
    });
  });

  describe("invocations the function must refuse", () => {
    it("a token that is not a version of the secret", async () => {
      const secret = await bootstrapped(engine, "single-user");
      const token = randomUUID();
      await expectStepRejected(secret, "single-user", token, "createSecret", new RegExp(`has no version ${token}`));
      await expectStepRejected(secret, "single-user", token, "setSecret", new RegExp(`has no version ${token}`));
    });

    it("a token whose version is not AWSPENDING (the Terraform seed version)", async () => {
      const secret = await bootstrapped(engine, "single-user");
      for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
        await expectStepRejected(secret, "single-user", secret.seedVersionId, step, new RegExp(`version ${secret.seedVersionId} is not labelled AWSPENDING`));
      }
    });

    it("a secret whose rotation is disabled", async () => {
      const secret = await bootstrapped(engine, "single-user");
      const token = fx.fake.beginRotation(secret.arn);
      fx.fake.setRotationEnabled(secret.arn, false);
      await expectStepRejected(secret, "single-user", token, "createSecret", /rotation is not enabled/);
      await expectStepRejected(secret, "single-user", token, "setSecret", /rotation is not enabled/);
    });

    it("an unknown step", async () => {
      const secret = await bootstrapped(engine, "single-user");
      const token = fx.fake.beginRotation(secret.arn);
      await expectStepRejected(secret, "single-user", token, "deleteSecret", /Step must be one of createSecret, setSecret, testSecret, finishSecret/);
    });
  });

  describe("failures at setSecret, before the database changes", () => {
    it.each(["single-user", "alternating-users"] as const)("an unreadable master secret on the first rotation (%s)", async (strategy) => {
      const secret = fx.seedDatabaseSecret({ engine });
      fx.fake.injectFault({ operation: "GetSecretValue", secretId: fx.masterArns[secret.server.kind], errorType: "AccessDeniedException", message: "not authorized to perform secretsmanager:GetSecretValue" });
      await expectRotationRejected(secret, strategy, {
        step: "setSecret",
        message: /GetSecretValue of master secret arn:aws:secretsmanager:.*rds!db-.* failed: AccessDeniedException: not authorized/,
        pendingGetsValue: true,
      });
    });

    it("single user whose current password no longer works", async () => {
      const secret = await bootstrapped(engine, "single-user");
      const { username } = fx.credentials(secret.arn);
      await fx.asSuperuser(secret.server, (s) =>
        s.query(secret.server.kind === "mariadb" ? "ALTER USER ?@'%' IDENTIFIED BY 'changed-behind-our-back'" : `ALTER ROLE "${username}" PASSWORD 'changed-behind-our-back'`, secret.server.kind === "mariadb" ? [username] : []),
      );
      await expectRotationRejected(secret, "single-user", {
        step: "setSecret",
        message: new RegExp(`current password of user ${username} no longer logs in, nor do the pending and previous ones`),
        pendingGetsValue: true,
      });
    });
  });
});
