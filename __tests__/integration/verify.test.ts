/**
 * `npm run verify` against an environment applied to the Secrets Manager stand-in and the
 * real MariaDB server: the rotation functions deployed from their synthesized packages and
 * environment, reached through AWS_ENDPOINT_URL_SECRETS_MANAGER like every other client,
 * never the network.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PutSecretValueCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { dev } from "../../environments/dev";
import type { EnvironmentConfig } from "../../environments/types";
import { buildApp } from "../../main";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";
import { verify, VerifyError, type VerifyOptions } from "../../scripts/verify";
import { loginError } from "../support/db-clients";
import { type DatabaseEnvironment, loadDatabaseEnvironment } from "../support/db-servers";
import { FakeSecretsManager } from "../support/fake-secrets-manager";
import { applyToStandIn, type StandInDeployment } from "../support/stand-in-apply";

const run = randomBytes(3).toString("hex");
const ALTERNATING = `verify/${run}/alternating`;
const SINGLE = `verify/${run}/single`;
const KEY_VALUE = `verify/${run}/api-key`;
const DAY = 86_400_000;

let databases: DatabaseEnvironment;
let fake: FakeSecretsManager;
let environment: EnvironmentConfig;
let deployment: StandInDeployment;
let workDir: string;
const savedEnv = { ...process.env };

/** dev, with its database standing for the test server, two users (one per strategy) and a key/value secret. */
function testEnvironment(): EnvironmentConfig {
  const user = dev.databaseUsers[0];
  return {
    ...dev,
    name: "verify",
    database: { ...dev.database, port: databases.mariadb.port, databaseName: databases.mariadb.database },
    keyValueSecrets: [{ ...dev.keyValueSecrets![0], secretName: KEY_VALUE }],
    databaseUsers: [
      { ...user, secretName: ALTERNATING, username: `vfa_${run}`, strategy: "alternating-users", privileges: ["SELECT", "INSERT"] },
      {
        ...user,
        secretName: SINGLE,
        username: `vfs_${run}`,
        strategy: "single-user",
        rotation: { scheduleExpression: "rate(12 hours)", duration: "2h" },
      },
    ],
  };
}

beforeAll(async () => {
  databases = await loadDatabaseEnvironment();
  fake = await FakeSecretsManager.start();
  // The deployer's client (verify's), like the functions', finds the stand-in through the standard variable.
  Object.assign(process.env, fake.environment("deployer"), { AWS_EC2_METADATA_DISABLED: "true" });
  environment = testEnvironment();
  workDir = mkdtempSync(path.join(tmpdir(), "verify-"));
  const outdir = path.join(workDir, "cdktf.out");
  buildApp({ outdir, environments: [environment], bundle: await ensureRotationBundle() }).synth();
  deployment = await applyToStandIn({
    stackDir: path.join(outdir, "stacks", environment.name),
    fake,
    server: databases.mariadb,
    caPath: databases.caPath,
    workDir,
  });
}, 120_000);

afterAll(async () => {
  await deployment?.close();
  await fake?.close();
  process.env = savedEnv;
  rmSync(workDir, { recursive: true, force: true });
});

async function runVerify(options: Partial<VerifyOptions> = {}): Promise<{ failed: number; warnings: number; lines: string[] }> {
  const lines: string[] = [];
  const result = await verify({
    environment,
    outputsFile: deployment.outputsFile,
    pollSeconds: 0.05,
    write: (line) => lines.push(line),
    ...options,
  });
  return { ...result, lines };
}

const line = (lines: string[], pattern: RegExp) => lines.find((l) => pattern.test(l));
const arnOf = (name: string) => deployment.secretArns.get(name) as string;

function credentials(name: string): { username: string; password: string } {
  return JSON.parse(fake.currentValue(arnOf(name)) as string) as { username: string; password: string };
}

test("after the apply, every check passes; the key/value secret waits for its value", async () => {
  const { failed, warnings, lines } = await runVerify();
  expect({ failed, warnings }).toEqual({ failed: 0, warnings: 1 });
  expect(line(lines, new RegExp(`^  ok +${ALTERNATING}: every 30 days, by verify-rotate-alternating-users, last rotated `))).toBeDefined();
  expect(line(lines, new RegExp(`^  ok +${SINGLE}: rate\\(12 hours\\) within 2h, by verify-rotate-single-user, last rotated `))).toBeDefined();
  expect(line(lines, /^ {2}ok +master secret .*: managed by RDS, every 7 days, next by /)).toBeDefined();
  expect(line(lines, new RegExp(`^  warning +${KEY_VALUE}: holds no value yet`))).toBeDefined();
  expect(lines.at(-1)).toBe("Verified: 0 failed, 1 with warnings");
  // Nothing but descriptions: no secret value was read.
  expect(fake.countCalls({ caller: "deployer", operation: "GetSecretValue" })).toBe(0);
});

test("the first rotations created the users: the current credentials log in to the database", async () => {
  for (const name of [ALTERNATING, SINGLE]) {
    expect(await loginError(databases.mariadb, credentials(name), { caPath: databases.caPath })).toBeUndefined();
  }
});

test("a key/value secret with a value passes", async () => {
  await fake
    .client("operator")
    .send(new PutSecretValueCommand({ SecretId: arnOf(KEY_VALUE), SecretString: JSON.stringify({ username: "u", password: "p" }) }));
  const { failed, warnings, lines } = await runVerify();
  expect({ failed, warnings }).toEqual({ failed: 0, warnings: 0 });
  expect(line(lines, new RegExp(`^  ok +${KEY_VALUE}: present, not rotated$`))).toBeDefined();
});

test("--rotate rotates each database secret, waits for it, and the new password logs in", async () => {
  const before = Object.fromEntries([ALTERNATING, SINGLE].map((name) => [name, credentials(name).password]));
  const { failed, lines } = await runVerify({ rotate: true, timeoutSeconds: 60 });
  expect(failed).toBe(0);
  for (const name of [ALTERNATING, SINGLE]) {
    expect(line(lines, new RegExp(`^ {11}${name}: started, version `))).toBeDefined();
    expect(line(lines, new RegExp(`^  ok +rotation of ${name}: rotated in \\d+ s: version \\S+ is AWSCURRENT$`))).toBeDefined();
    const after = credentials(name);
    expect(after.password).not.toBe(before[name]);
    expect(await loginError(databases.mariadb, after, { caPath: databases.caPath })).toBeUndefined();
  }
  expect(line(lines, /rotation of .*api-key/)).toBeUndefined();
});

test("a rotation overdue for its schedule fails the check", async () => {
  const { failed, lines } = await runVerify({ now: () => new Date(Date.now() + 40 * DAY) });
  expect(failed).toBe(3);
  expect(line(lines, new RegExp(`^  FAILED +${ALTERNATING}: was last rotated on .*, longer ago than its schedule \\(every 30 days\\) allows; the rotation due by `))).toBeDefined();
  expect(line(lines, new RegExp(`^  FAILED +${SINGLE}: was last rotated on .*, longer ago than its schedule \\(rate\\(12 hours\\) within 2h\\) allows`))).toBeDefined();
  expect(line(lines, /^ {2}FAILED +master secret .*: the rotation due by /)).toBeDefined();
});

test("--rotate reports a rotation that does not finish in time, with the function's log group", async () => {
  const stop = fake.injectFault({ operation: "PutSecretValue", secretId: arnOf(SINGLE), times: Infinity });
  try {
    const { failed, lines } = await runVerify({ rotate: true, timeoutSeconds: 1 });
    expect(failed).toBe(1);
    expect(
      line(
        lines,
        new RegExp(
          `^  FAILED +rotation of ${SINGLE}: did not finish within 1 s: version \\S+ is still AWSPENDING .*\\(logs: /aws/lambda/verify-rotate-single-user\\)$`,
        ),
      ),
    ).toBeDefined();
    expect(line(lines, new RegExp(`^  ok +rotation of ${ALTERNATING}: rotated`))).toBeDefined();
  } finally {
    stop();
    await fake.rotationsSettled();
  }
});

test("reports a rotation left unfinished, rotation turned off and a changed schedule, each against its secret", async () => {
  // The failed rotation of the previous test left AWSPENDING on a version of SINGLE.
  fake.setRotationEnabled(arnOf(ALTERNATING), false);
  await fake
    .client("console")
    .send(new RotateSecretCommand({ SecretId: deployment.masterSecretArn, RotationRules: { AutomaticallyAfterDays: 14 }, RotateImmediately: false }));
  const { failed, lines } = await runVerify({ rotate: true, timeoutSeconds: 1 });
  expect(failed).toBe(4);
  expect(line(lines, new RegExp(`^  FAILED +${ALTERNATING}: rotation is not enabled`))).toBeDefined();
  expect(line(lines, new RegExp(`^  FAILED +${SINGLE}: a rotation has not finished: AWSPENDING is on version \\S+, AWSCURRENT on \\S+$`))).toBeDefined();
  expect(line(lines, /^ {2}FAILED +master secret .*: rotation schedule is not every 7 days \(found \{"AutomaticallyAfterDays":14\}\)$/)).toBeDefined();
  // Rotation turned off is not turned back on by a rotation by hand; the unfinished one keeps a new one from starting.
  expect(line(lines, /^Rotating 1 database secret/)).toBeDefined();
  expect(line(lines, new RegExp(`^  FAILED +rotation of ${SINGLE}: could not start a rotation: InvalidRequestException: `))).toBeDefined();
  expect(lines.at(-1)).toBe("NOT verified: 4 failed, 0 with warnings");
});

describe("clear errors", () => {
  test("without credentials, before any request", async () => {
    const saved = { ...process.env };
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete process.env[key];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, "no-credentials"),
      AWS_CONFIG_FILE: path.join(workDir, "no-config"),
    });
    fake.resetCalls();
    try {
      await expect(runVerify()).rejects.toThrow(VerifyError);
      await expect(runVerify()).rejects.toThrow(/^no AWS credentials: run with the deployer's credentials for us-east-1/);
      expect(fake.calls).toEqual([]);
    } finally {
      process.env = saved;
    }
  });

  test("without outputs", async () => {
    await expect(runVerify({ outputsFile: path.join(workDir, "terraform.verify.tfstate") })).rejects.toThrow(
      /^no outputs: .*terraform\.verify\.tfstate cannot be read \(ENOENT\)\. Apply the stack first \(npx cdktf deploy verify\)/,
    );
  });
});
