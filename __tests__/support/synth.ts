import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildApp, environments } from "../../main";
import { completeStackDirectories } from "../../review/stack-directories";
import type { EnvironmentConfig } from "../../environments/types";
import { resourcesOfType, type StackJson } from "../../review/terraform-json";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";

/** A synth's output directory, and per environment its configuration and review page. */
export interface SynthResult {
  outdir: string;
  /** Each environment's `cdk.tf.json`, parsed (JSON synths only). */
  stacks: Record<string, StackJson>;
  /** Each environment's `cdk.tf` (HCL synths only). */
  hcl: Record<string, string>;
  /** Each environment's `REVIEW.md`. */
  reviews: Record<string, string>;
}

const cache = new Map<string, Promise<SynthResult>>();
const outdirs: string[] = [];
process.once("exit", () => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Synthesizes the given environments (default: every environment of the app) into a
 * fresh temporary directory as `npm run synth` does (`npm run synth:hcl` with `hcl`),
 * once per test file, format and set of environments.
 */
export function synthEnvironments(envs: readonly EnvironmentConfig[] = environments, hcl = false): Promise<SynthResult> {
  const key = `${envs.map((e) => e.name).join(",")}${hcl ? " hcl" : ""}`;
  let result = cache.get(key);
  if (!result) {
    result = (async () => {
      const bundle = await ensureRotationBundle();
      const outdir = mkdtempSync(path.join(tmpdir(), "synth-"));
      outdirs.push(outdir);
      const app = withHclOutput(hcl, () => buildApp({ outdir, environments: envs, bundle }));
      app.synth();
      await completeStackDirectories(app, envs);
      const read = (env: EnvironmentConfig, file: string): string =>
        readFileSync(path.join(outdir, "stacks", env.name, file), "utf8");
      const each = <T>(value: (env: EnvironmentConfig) => T): Record<string, T> =>
        Object.fromEntries(envs.map((env) => [env.name, value(env)]));
      return {
        outdir,
        stacks: hcl ? {} : each((env) => JSON.parse(read(env, "cdk.tf.json")) as StackJson),
        hcl: hcl ? each((env) => read(env, "cdk.tf")) : {},
        reviews: each((env) => read(env, "REVIEW.md")),
      };
    })();
    cache.set(key, result);
  }
  return result;
}

/** Every resource of `type` in a stack, as `[logical name, attributes]`. */
export function resourcesOf(stack: StackJson, type: string): [string, Record<string, unknown>][] {
  return resourcesOfType(stack, type).map(({ name, resource }) => [name, resource]);
}

/**
 * `build()` with `SYNTH_HCL_OUTPUT` set as `npm run synth:hcl` sets it: the app and each
 * stack read it when they are constructed (a stack ignores the app's `hclOutput` option).
 */
function withHclOutput<T>(hcl: boolean, build: () => T): T {
  const saved = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = saved;
  }
}
