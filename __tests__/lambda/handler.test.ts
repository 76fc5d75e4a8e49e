/**
 * The handler up to the database: its configuration and binding, the event's checks, the
 * gate and the refusal of unbound secrets, through the real SDK client against the
 * Secrets Manager stand-in. Every case here ends before a database would be reached;
 * the rotation itself is tested against real servers (__tests__/integration/).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadBindings } from "../../lambda/bindings";
import { createHandler, handler, type RotationEvent, type RotationOptions } from "../../lambda/index";
import { Redactor } from "../../lambda/log";
import { passGate } from "../../lambda/rotation";
import { SECRET_BINDINGS_FILE, serializeSecretBindings, type DatabaseBindings, type SecretBindingsFile } from "../../shared/rotation-binding";
import { FakeSecretsManager } from "../support/fake-secrets-manager";

const SETTINGS = ["ROTATION_STRATEGY", "ROTATION_DATABASES", "PASSWORD_LENGTH", "EXCLUDE_CHARACTERS", "DB_CA_BUNDLE", "CONNECT_TIMEOUT_MS", "QUERY_TIMEOUT_MS"];
const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
const DATABASES: DatabaseBindings = {
  orders: { engine: "mysql", host: "db.example.internal", port: 3306, dbname: "orders", masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf", tls: true },
};
const SECRET_BINDINGS: SecretBindingsFile = {
  version: 1,
  strategy: "single-user",
  secrets: { "app/orders": { database: "orders", username: "orders_app", privileges: ["SELECT"] } },
};
const SEED = {
  engine: "mysql",
  host: "db.example.internal",
  port: 3306,
  username: "orders_app",
  dbname: "orders",
  masterarn: DATABASES.orders.masterSecretArn,
};

let fake: FakeSecretsManager;
let logs: string[];
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = await FakeSecretsManager.start();
});
afterAll(() => fake.close());
beforeEach(() => {
  for (const name of SETTINGS) delete process.env[name];
  logs = [];
  jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    logs.push(String(chunk));
    return true;
  });
  fake.resetCalls();
});
afterEach(() => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

function rotationHandler(options: Partial<RotationOptions> = {}) {
  return createHandler({
    client: fake.client("function", { maxAttempts: 1 }),
    strategy: "single-user",
    databases: DATABASES,
    secretBindings: SECRET_BINDINGS,
    ...options,
  });
}

/** A secret as Terraform seeds it, with a rotation started; returns its ARN and the token. */
function seeded(name = "app/orders"): { arn: string; token: string; seedVersion: string } {
  const seedVersion = `seed-${Math.random().toString(16).slice(2)}-0000000000000000`;
  const arn = fake.seedSecret({ name, value: SEED, versionId: seedVersion, stages: ["AWSCURRENT", "TERRAFORM_SEED"] });
  return { arn, token: fake.beginRotation(arn), seedVersion };
}

const unique = (name: string) => `${name}-${Math.random().toString(16).slice(2, 10)}`;

describe("configuration, read and checked when the handler is built", () => {
  test.each([
    [{}, "ROTATION_STRATEGY is required: one of single-user, alternating-users"],
    [{ ROTATION_STRATEGY: "both" }, 'ROTATION_STRATEGY must be one of single-user, alternating-users; got "both"'],
    [{ ROTATION_STRATEGY: "single-user", PASSWORD_LENGTH: "15" }, 'PASSWORD_LENGTH must be an integer from 16 to 128; got "15"'],
    [{ ROTATION_STRATEGY: "single-user", PASSWORD_LENGTH: "32.5" }, 'PASSWORD_LENGTH must be an integer from 16 to 128; got "32.5"'],
    [{ ROTATION_STRATEGY: "single-user", CONNECT_TIMEOUT_MS: "50" }, 'CONNECT_TIMEOUT_MS must be an integer from 100 to 60000; got "50"'],
    [{ ROTATION_STRATEGY: "single-user", QUERY_TIMEOUT_MS: "90000" }, 'QUERY_TIMEOUT_MS must be an integer from 100 to 60000; got "90000"'],
    [{ ROTATION_STRATEGY: "single-user", EXCLUDE_CHARACTERS: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" }, "EXCLUDE_CHARACTERS excludes every character"],
    [{ ROTATION_STRATEGY: "single-user" }, "ROTATION_DATABASES is required: the databases this function may act on"],
    [{ ROTATION_STRATEGY: "single-user", ROTATION_DATABASES: "{" }, "ROTATION_DATABASES is not valid JSON"],
  ])("%j is refused", (env, message) => {
    Object.assign(process.env, env);
    expect(() => createHandler({ client: fake.client() })).toThrow(new Error(message));
  });

  test("a binding for another strategy is refused", () => {
    expect(() => rotationHandler({ strategy: "alternating-users" })).toThrow(
      "secret-bindings.json is for the single-user strategy, but ROTATION_STRATEGY is alternating-users",
    );
  });

  test("importing the module has no side effect: `handler` reads the environment on its first call", async () => {
    const event: RotationEvent = { SecretId: "app/orders", ClientRequestToken: "t".repeat(32), Step: "createSecret" };
    await expect(handler(event)).rejects.toThrow("ROTATION_STRATEGY is required");
  });
});

describe("loadBindings: the environment variable and the file beside the bundle", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bindings-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("reads both channels", () => {
    writeFileSync(path.join(dir, SECRET_BINDINGS_FILE), serializeSecretBindings(SECRET_BINDINGS));
    const bindings = loadBindings({}, { ROTATION_DATABASES: JSON.stringify(DATABASES) }, "single-user", dir);
    expect(bindings).toEqual({ databases: DATABASES, secrets: SECRET_BINDINGS });
  });

  test("a package without the file is refused", () => {
    expect(() => loadBindings({}, { ROTATION_DATABASES: JSON.stringify(DATABASES) }, "single-user", dir)).toThrow(
      new Error("cannot read secret-bindings.json of the deployment package: ENOENT"),
    );
  });

  test("the channels are checked together", () => {
    writeFileSync(path.join(dir, SECRET_BINDINGS_FILE), serializeSecretBindings(SECRET_BINDINGS));
    expect(() => loadBindings({}, { ROTATION_DATABASES: "{}" }, "single-user", dir)).toThrow(
      'secret-bindings.json: secret "app/orders" names database "orders", which ROTATION_DATABASES does not define',
    );
  });
});

describe("the gate, before anything is read or written", () => {
  test.each(STEPS)("%s refuses a secret it has no binding for, after DescribeSecret only", async (step) => {
    const name = unique("app/other");
    const { arn, token } = seeded(name);
    await expect(rotationHandler()({ SecretId: arn, ClientRequestToken: token, Step: step })).rejects.toThrow(
      new Error(`secret ${arn}: this function has no binding for a secret named "${name}"; it rotates only the secrets of its secret-bindings.json`),
    );
    expect(fake.calls.map((c) => c.operation)).toEqual(["DescribeSecret"]);
  });

  describe("pure checks on DescribeSecret's answer", () => {
    const metadata = (versionStages: Record<string, string[]>, rotationEnabled = true) => ({ name: "app/orders", rotationEnabled, versionStages });
    const seedAndPending = { seed: ["AWSCURRENT", "TERRAFORM_SEED"], token: ["AWSPENDING"] };

    test("a pending version after the seed: the seed is current", () => {
      expect(passGate(metadata(seedAndPending), "s", "token")).toEqual({ current: "seed", previous: undefined, currentIsSeed: true });
    });

    test("a later rotation: current and previous versions", () => {
      expect(passGate(metadata({ seed: ["TERRAFORM_SEED"], a: ["AWSPREVIOUS"], b: ["AWSCURRENT"], token: ["AWSPENDING"] }), "s", "token")).toEqual({
        current: "b",
        previous: "a",
        currentIsSeed: false,
      });
    });

    test("a version that is already AWSCURRENT: nothing to do", () => {
      expect(passGate(metadata({ token: ["AWSCURRENT", "AWSPENDING"] }), "s", "token")).toBe("already-current");
    });

    test.each([
      [metadata(seedAndPending, false), "token", "secret s: rotation is not enabled"],
      [metadata(seedAndPending), "11111111-2222-4333-8444-555555555555", "secret s has no version 11111111-2222-4333-8444-555555555555"],
      // A property that every object inherits is not a version.
      [metadata(seedAndPending), "constructor", "secret s has no version constructor"],
      [metadata({ ...seedAndPending, old: ["AWSPREVIOUS"] }), "old", "secret s: version old is not labelled AWSPENDING"],
    ])("%j with token %s is refused", (described, token, message) => {
      expect(() => passGate(described, "s", token)).toThrow(new Error(message));
    });
  });

  test("a step for a version that is already AWSCURRENT does nothing and logs one line", async () => {
    const name = unique("app/orders");
    const { arn, seedVersion } = seeded(name);
    const secretBindings = { ...SECRET_BINDINGS, secrets: { [name]: SECRET_BINDINGS.secrets["app/orders"] } };
    await rotationHandler({ secretBindings })({ SecretId: arn, ClientRequestToken: seedVersion, Step: "setSecret" });
    expect(fake.calls.map((c) => c.operation)).toEqual(["DescribeSecret"]);
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      {
        level: "info",
        secretArn: arn,
        step: "setSecret",
        token: seedVersion,
        outcome: "noop",
        message: `version ${seedVersion} is already AWSCURRENT; nothing to do`,
        durationMs: expect.any(Number),
      },
    ]);
  });

  test.each([
    [{ SecretId: "s", ClientRequestToken: "t", Step: "rotate" }, "the event's Step must be one of createSecret, setSecret, testSecret, finishSecret"],
    [{ SecretId: "", ClientRequestToken: "t", Step: "createSecret" }, "the event's SecretId must be a non-empty string"],
    [{ SecretId: "s", Step: "createSecret" }, "the event's ClientRequestToken must be a non-empty string"],
    [null, "the event is not an object"],
  ])("a malformed event %j is refused before any call, with one error line", async (event, message) => {
    await expect(rotationHandler()(event as RotationEvent)).rejects.toThrow(message);
    expect(fake.calls).toEqual([]);
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: "error", outcome: "error", message })]);
  });
});

test("the redactor blanks every password it was given out of any text", () => {
  const redactor = new Redactor();
  redactor.add("s3cret-one");
  redactor.add("");
  redactor.add("two");
  expect(redactor.redact("ALTER USER 'app' IDENTIFIED BY 's3cret-one' -- two, two")).toBe("ALTER USER 'app' IDENTIFIED BY '[REDACTED]' -- [REDACTED], [REDACTED]");
});
