import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readFileSync } from "node:fs";
import { mockClient } from "aws-sdk-client-mock";
import { DEFAULT_EXCLUDE_CHARACTERS, createHandler, handler, type RotationEvent } from "../../lambda/index";
import { CA_PATH, FakeSecrets, SECRET_ARN, SEED, SEED_VERSION, STEPS, captureLogs, setUp } from "./fakes";

const SETTINGS = ["ROTATION_STRATEGY", "PASSWORD_LENGTH", "EXCLUDE_CHARACTERS", "DB_CA_BUNDLE", "CONNECT_TIMEOUT_MS", "QUERY_TIMEOUT_MS"];
const savedEnv = { ...process.env };

beforeEach(() => {
  for (const name of SETTINGS) delete process.env[name];
  captureLogs();
});

afterEach(() => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

describe("configuration", () => {
  const client = new SecretsManagerClient({ region: "eu-west-1" });

  test("ROTATION_STRATEGY is required", () => {
    expect(() => createHandler({ client })).toThrow("ROTATION_STRATEGY is required: one of single-user, alternating-users");
  });

  test.each([
    ["ROTATION_STRATEGY", "both", 'ROTATION_STRATEGY must be one of single-user, alternating-users; got "both"'],
    ["PASSWORD_LENGTH", "15", 'PASSWORD_LENGTH must be an integer from 16 to 128; got "15"'],
    ["PASSWORD_LENGTH", "129", 'PASSWORD_LENGTH must be an integer from 16 to 128; got "129"'],
    ["PASSWORD_LENGTH", "32.5", 'PASSWORD_LENGTH must be an integer from 16 to 128; got "32.5"'],
    ["PASSWORD_LENGTH", "abc", 'PASSWORD_LENGTH must be an integer from 16 to 128; got "abc"'],
    ["CONNECT_TIMEOUT_MS", "50", 'CONNECT_TIMEOUT_MS must be an integer from 100 to 60000; got "50"'],
    ["QUERY_TIMEOUT_MS", "90000", 'QUERY_TIMEOUT_MS must be an integer from 100 to 60000; got "90000"'],
  ])("%s=%s is refused", (name, value, message) => {
    process.env.ROTATION_STRATEGY = "single-user";
    process.env[name] = value;
    expect(() => createHandler({ client })).toThrow(message);
  });

  test("options are validated like the environment", () => {
    expect(() => createHandler({ client, strategy: "single-user", passwordLength: 8 })).toThrow(
      'PASSWORD_LENGTH must be an integer from 16 to 128; got "8"',
    );
  });

  test("the environment is read when the handler is created, and options override it", async () => {
    process.env.ROTATION_STRATEGY = "single-user";
    process.env.PASSWORD_LENGTH = "20";
    process.env.EXCLUDE_CHARACTERS = "abc";
    const secrets = new FakeSecrets();
    const fromEnv = createHandler({ client: secrets.client });
    const overridden = createHandler({ client: secrets.client, passwordLength: 64, excludeCharacters: "xyz" });
    process.env.PASSWORD_LENGTH = "99";

    await fromEnv({ SecretId: SECRET_ARN, ClientRequestToken: secrets.beginRotation(), Step: "createSecret" });
    await overridden({ SecretId: SECRET_ARN, ClientRequestToken: secrets.beginRotation(), Step: "createSecret" });

    expect(secrets.passwordRequests).toEqual([
      { PasswordLength: 20, ExcludeCharacters: "abc", IncludeSpace: false, RequireEachIncludedType: true },
      { PasswordLength: 64, ExcludeCharacters: "xyz", IncludeSpace: false, RequireEachIncludedType: true },
    ]);
  });

  test("by default passwords are 32 characters of letters, digits and - _ . only", async () => {
    const { secrets, invoke } = setUp("single-user");
    await invoke("createSecret", secrets.beginRotation());

    expect(secrets.passwordRequests).toEqual([
      { PasswordLength: 32, ExcludeCharacters: DEFAULT_EXCLUDE_CHARACTERS, IncludeSpace: false, RequireEachIncludedType: true },
    ]);
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const allowed = printable.filter((c) => c !== " " && !DEFAULT_EXCLUDE_CHARACTERS.includes(c)).join("");
    expect(allowed.replace(/[A-Za-z0-9]/g, "")).toBe("-._");
  });

  test("importing the module has no side effect: `handler` reads the environment on its first call", async () => {
    const event: RotationEvent = { SecretId: SECRET_ARN, ClientRequestToken: SEED_VERSION, Step: "createSecret" };
    await expect(handler(event)).rejects.toThrow("ROTATION_STRATEGY is required");

    // The default handler's own client, intercepted at its class.
    const classMock = mockClient(SecretsManagerClient);
    classMock.on(DescribeSecretCommand).resolves({
      ARN: SECRET_ARN,
      RotationEnabled: true,
      VersionIdsToStages: { [SEED_VERSION]: ["AWSCURRENT"] },
    });
    process.env.ROTATION_STRATEGY = "single-user";
    process.env.AWS_REGION = "eu-west-1";
    try {
      await expect(handler(event)).resolves.toBeUndefined();
      expect(classMock.calls()).toHaveLength(1);
    } finally {
      classMock.restore();
    }
  });

  test("the CA bundle is read only for a TLS connection, and passed to the engine", async () => {
    const plain = setUp("single-user", {
      seed: { ...SEED, ssl: false },
      handler: { caBundlePath: "/nonexistent/ca.pem" },
    });
    const token = plain.secrets.beginRotation();
    for (const step of STEPS) await plain.invoke(step, token);
    expect(plain.database.connections.map((c) => c.options.tls)).toEqual([undefined, undefined]);

    const tls = setUp("single-user");
    const tlsToken = tls.secrets.beginRotation();
    for (const step of STEPS) await tls.invoke(step, tlsToken);
    const ca = readFileSync(CA_PATH, "utf8");
    expect(tls.database.connections.map((c) => c.options)).toEqual([
      { tls: { ca }, connectTimeoutMs: 5000, queryTimeoutMs: 5000 },
      { tls: { ca }, connectTimeoutMs: 5000, queryTimeoutMs: 5000 },
    ]);

    const missing = setUp("single-user", { handler: { caBundlePath: "/nonexistent/ca.pem" } });
    const missingToken = missing.secrets.beginRotation();
    await missing.invoke("createSecret", missingToken);
    await expect(missing.invoke("setSecret", missingToken)).rejects.toThrow(
      "cannot read the CA bundle /nonexistent/ca.pem (DB_CA_BUNDLE): ENOENT",
    );
    expect(missing.database.connections).toEqual([]);
  });
});

describe("the gate", () => {
  test.each(STEPS)("%s refuses a secret whose rotation is disabled, and changes nothing", async (step) => {
    const { secrets, database, invoke } = setUp("single-user");
    const token = secrets.beginRotation();
    secrets.rotationEnabled = false;
    await expect(invoke(step, token)).rejects.toThrow(`secret ${SECRET_ARN}: rotation is not enabled`);
    expect(secrets.commandNames()).toEqual(["DescribeSecret"]);
    expect(database.connections).toEqual([]);
  });

  test.each(STEPS)("%s refuses a token that is not a version of the secret", async (step) => {
    const { secrets, invoke } = setUp("single-user");
    secrets.beginRotation();
    // The last one names a property that every object inherits.
    for (const unknown of ["11111111-2222-4333-8444-555555555555", "constructor"]) {
      await expect(invoke(step, unknown)).rejects.toThrow(new Error(`secret ${SECRET_ARN} has no version ${unknown}`));
    }
    expect(secrets.commandNames()).toEqual(["DescribeSecret", "DescribeSecret"]);
  });

  test.each(STEPS)("%s refuses a version that is not labelled AWSPENDING", async (step) => {
    const { secrets, invoke } = setUp("single-user");
    const token = "22222222-2222-4333-8444-555555555555";
    secrets.addVersion(token, JSON.stringify({ ...SEED, password: "old-password-0123456789" }), ["AWSPREVIOUS"]);
    await expect(invoke(step, token)).rejects.toThrow(`secret ${SECRET_ARN}: version ${token} is not labelled AWSPENDING`);
    expect(secrets.commandNames()).toEqual(["DescribeSecret"]);
  });

  test.each(STEPS)("%s does nothing for a version that is already AWSCURRENT", async (step) => {
    const logs = captureLogs();
    const { secrets, database, invoke } = setUp("single-user");
    await expect(invoke(step, SEED_VERSION)).resolves.toBeUndefined();
    expect(secrets.commandNames()).toEqual(["DescribeSecret"]);
    expect(database.connections).toEqual([]);
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: "info",
        outcome: "noop",
        step,
        token: SEED_VERSION,
        message: `version ${SEED_VERSION} is already AWSCURRENT; nothing to do`,
      }),
    ]);
  });

  test.each([
    [{ SecretId: SECRET_ARN, ClientRequestToken: SEED_VERSION, Step: "rotate" }, "the event's Step must be one of createSecret, setSecret, testSecret, finishSecret"],
    [{ SecretId: "", ClientRequestToken: SEED_VERSION, Step: "createSecret" }, "the event's SecretId must be a non-empty string"],
    [{ SecretId: SECRET_ARN, Step: "createSecret" }, "the event's ClientRequestToken must be a non-empty string"],
    [null, "the event is not an object"],
  ])("a malformed event %j is refused before any call", async (event, message) => {
    const logs = captureLogs();
    const { secrets, handler: rotate } = setUp("single-user");
    await expect(rotate(event as RotationEvent)).rejects.toThrow(message);
    expect(secrets.callCount).toBe(0);
    expect(logs.lines()).toEqual([expect.objectContaining({ level: "error", outcome: "error", message })]);
  });
});
