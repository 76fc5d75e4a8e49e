import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildApp, environments } from "../../main";
import type { EnvironmentConfig } from "../../environments/types";
import { resourcesOfType, type StackJson } from "../../review/terraform-json";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";

/** Output directory of a synth, and each environment's parsed JSON. */
export interface SynthResult {
  outdir: string;
  stacks: Record<string, StackJson>;
}

const cache = new Map<string, Promise<SynthResult>>();
const outdirs: string[] = [];
process.once("exit", () => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Synthesizes the given environments (default: every environment of the app) into a
 * fresh temporary directory, once per test file and set of environments.
 */
export function synthEnvironments(envs: readonly EnvironmentConfig[] = environments): Promise<SynthResult> {
  const key = envs.map((e) => e.name).join(",");
  let result = cache.get(key);
  if (!result) {
    result = (async () => {
      const bundle = await ensureRotationBundle();
      const outdir = mkdtempSync(path.join(tmpdir(), "synth-"));
      outdirs.push(outdir);
      buildApp({ outdir, environments: envs, bundle }).synth();
      const stacks: Record<string, StackJson> = {};
      for (const env of envs) {
        stacks[env.name] = JSON.parse(readFileSync(path.join(outdir, "stacks", env.name, "cdk.tf.json"), "utf8"));
      }
      return { outdir, stacks };
    })();
    cache.set(key, result);
  }
  return result;
}

/** Every resource of `type` in a stack, as `[logical name, attributes]`. */
export function resourcesOf(stack: StackJson, type: string): [string, Record<string, unknown>][] {
  return resourcesOfType(stack, type).map(({ name, resource }) => [name, resource]);
}
