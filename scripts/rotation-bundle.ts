import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RotationBundle } from "../constructs/rotation-bundle";

const ROOT = path.resolve(__dirname, "..");
const OUT_DIR = path.join(ROOT, "dist", "lambda");

/** Files whose content decides the bundle's bytes. */
function bundleInputs(): string[] {
  const sources = ["lambda", "shared"].flatMap((folder) => {
    const dir = path.join(ROOT, folder);
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => path.join(dir, f));
  });
  return [
    ...sources,
    path.join(ROOT, "scripts", "build-lambda.ts"),
    path.join(ROOT, "constructs", "rotation-bundle.ts"),
    path.join(ROOT, "package-lock.json"),
  ].sort();
}

function inputsDigest(): string {
  const hash = createHash("sha256");
  for (const file of bundleInputs()) {
    hash.update(path.relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * The rotation bundle, rebuilt only when its inputs changed since the last build.
 * The build is deterministic, so reusing it gives the same bytes as rebuilding; the
 * check keeps esbuild's bundling of the drivers and the SDK out of every synth. A
 * rebuild also drops the deployment packages made from the previous bundle.
 */
export async function ensureRotationBundle(): Promise<RotationBundle> {
  const digest = inputsDigest();
  const stamp = path.join(OUT_DIR, "inputs.sha256");
  const codePath = path.join(OUT_DIR, "index.js");
  if (!(existsSync(stamp) && existsSync(codePath) && readFileSync(stamp, "utf8") === digest)) {
    // Loaded only to rebuild: esbuild stays out of a synth that reuses the bundle.
    const { buildRotationBundle } = await import("./build-lambda");
    await buildRotationBundle(OUT_DIR);
    rmSync(path.join(OUT_DIR, "packages"), { recursive: true, force: true });
    writeFileSync(stamp, digest);
  }
  return { codePath, packagesDir: path.join(OUT_DIR, "packages") };
}
