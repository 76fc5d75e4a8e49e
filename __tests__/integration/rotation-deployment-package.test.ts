/**
 * The deployment package as Lambda runs it, in a Node process of its own: the bundled
 * index.js with secret-bindings.json beside it, ROTATION_DATABASES and the other
 * settings in the environment, and the SDK client it builds itself (pointed at the
 * stand-in by AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";
import { DATABASE_BINDINGS_VARIABLE, SECRET_BINDINGS_FILE, serializeSecretBindings } from "../../shared/rotation-binding";
import { SEED_STAGE } from "../../shared/secret-contract";
import type { RotationFunction } from "../support/fake-secrets-manager";
import { FUNCTION_CALLER, RotationFixture } from "../support/rotation-fixture";

/**
 * Runs `index.js` of `dir` in a child process and invokes its handler once per event,
 * over stdin/stdout (one JSON line each way).
 */
function lambdaProcess(dir: string, env: NodeJS.ProcessEnv): { invoke: RotationFunction; child: ChildProcess } {
  const runtime = `
    const { handler } = require(${JSON.stringify(path.join(dir, "index.js"))});
    const reply = (r) => require("node:fs").writeSync(3, JSON.stringify(r) + "\\n");
    require("node:readline").createInterface({ input: process.stdin }).on("line", (line) =>
      handler(JSON.parse(line)).then(() => reply({ ok: true }), (e) => reply({ error: e.message })));`;
  // The function logs to stdout and Node warns on stderr: replies have a descriptor of their own.
  const child = spawn(process.execPath, ["-e", runtime], { env, stdio: ["pipe", "ignore", "ignore", "pipe"] });
  const replies = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const invoke: RotationFunction = async (event) => {
    child.stdin?.write(`${JSON.stringify(event)}\n`);
    const reply = JSON.parse((await replies.next()).value as string) as { error?: string };
    if (reply.error !== undefined) throw new Error(reply.error);
  };
  return { invoke, child };
}

let fx: RotationFixture;
let dir: string;
beforeAll(async () => {
  fx = await RotationFixture.create();
  dir = mkdtempSync(path.join(tmpdir(), "rotation-package-"));
}, 60_000);
afterAll(async () => {
  await fx.close();
  rmSync(dir, { recursive: true, force: true });
});

it("reads its binding from the file beside index.js and from the environment, and rotates", async () => {
  const secret = fx.seedDatabaseSecret({ engine: "postgres" });
  const unbound = fx.fake.seedSecret({ name: "app/unbound", value: JSON.parse(secret.seedValue) as object });
  const { databases, secretBindings } = fx.bindings("alternating-users");
  const bundle = await ensureRotationBundle();
  copyFileSync(path.join(path.dirname(bundle.zipPath), "index.js"), path.join(dir, "index.js"));
  writeFileSync(path.join(dir, SECRET_BINDINGS_FILE), serializeSecretBindings(secretBindings));

  const { invoke, child } = lambdaProcess(dir, {
    PATH: process.env.PATH,
    ...fx.fake.environment(FUNCTION_CALLER),
    ROTATION_STRATEGY: "alternating-users",
    [DATABASE_BINDINGS_VARIABLE]: JSON.stringify(databases),
    DB_CA_BUNDLE: fx.env.caPath,
    PASSWORD_LENGTH: "40",
  });
  try {
    await fx.driver.rotate(secret.arn, invoke);
    await fx.driver.rotate(secret.arn, invoke);
    await expect(fx.driver.rotate(unbound, invoke)).rejects.toThrow(
      /createSecret failed: secret .*app\/unbound.*: this function has no binding for a secret named "app\/unbound"/,
    );
  } finally {
    child.kill();
  }
  const current = fx.credentials(secret.arn);
  expect(current.username).toBe(`${secret.username}_clone`);
  expect(current.password).toHaveLength(40);
  expect(await fx.canLogIn(secret.server, current)).toBe(true);
  expect(fx.fake.stages(secret.arn)[secret.seedVersionId]).toEqual([SEED_STAGE]);
});
