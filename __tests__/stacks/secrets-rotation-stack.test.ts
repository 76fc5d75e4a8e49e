import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildApp } from "../../main";
import { prod } from "../../environments/prod";
import type { RotationBundle } from "../../constructs/rotation-bundle";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";

let bundle: RotationBundle;
let outdir: string;
beforeAll(async () => {
  bundle = await ensureRotationBundle();
  outdir = mkdtempSync(path.join(tmpdir(), "stack-validations-"));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test("synth runs every validation of the stack but the terraform binary's version", () => {
  const app = buildApp({ bundle, outdir, environments: [prod] });
  app.node.findChild("prod").node.findChild("Database").node.addValidation({ validate: () => ["found at synth"] });
  expect(() => app.synth()).toThrow("[prod/Database] found at synth");
});
