/**
 * The deployment package as Lambda runs it, in a Node process of its own: the bundled
 * index.js with secret-bindings.json beside it, ROTATION_DATABASES and the other
 * settings in the environment, and the SDK client it builds itself (pointed at the
 * stand-in by AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";
import { DATABASE_BINDINGS_VARIABLE, SECRET_BINDINGS_FILE, serializeSecretBindings } from "../../shared/rotation-binding";
import { SEED_STAGE } from "../../shared/secret-contract";
import { LambdaProcess } from "../support/lambda-process";
import { FUNCTION_CALLER, RotationFixture } from "../support/rotation-fixture";

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
  copyFileSync(bundle.codePath, path.join(dir, "index.js"));
  writeFileSync(path.join(dir, SECRET_BINDINGS_FILE), serializeSecretBindings(secretBindings));

  const deployed = LambdaProcess.start(dir, {
    ...fx.fake.environment(FUNCTION_CALLER),
    ROTATION_STRATEGY: "alternating-users",
    [DATABASE_BINDINGS_VARIABLE]: JSON.stringify(databases),
    DB_CA_BUNDLE: fx.env.caPath,
    PASSWORD_LENGTH: "40",
  });
  const invoke = async (event: unknown) => {
    await deployed.invoke(event);
  };
  try {
    await fx.driver.rotate(secret.arn, invoke);
    await fx.driver.rotate(secret.arn, invoke);
    await expect(fx.driver.rotate(unbound, invoke)).rejects.toThrow(
      /createSecret failed: secret .*app\/unbound.*: this function has no binding for a secret named "app\/unbound"/,
    );
  } finally {
    await deployed.close();
  }
  const current = fx.credentials(secret.arn);
  expect(current.username).toBe(`${secret.username}_clone`);
  expect(current.password).toHaveLength(40);
  expect(await fx.canLogIn(secret.server, current)).toBe(true);
  expect(fx.fake.stages(secret.arn)[secret.seedVersionId]).toEqual([SEED_STAGE]);
});
