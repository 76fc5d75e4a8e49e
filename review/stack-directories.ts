import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { App, TerraformStack } from "cdktf";
import { reviewPage, type SynthesizedEnvironment } from "./review-page";
import type { Tier } from "./security/exceptions";
import type { StackJson } from "./terraform-json";

/** What {@link completeStackDirectories} needs of an environment: its stack's name and its tier. */
export interface StackEnvironment {
  readonly name: string;
  readonly tier: Tier;
}

/**
 * What each stack directory gets after `app.synth()`: the configuration in one format
 * only, HCL laid out as `terraform fmt` leaves it, and the review page, `REVIEW.md`.
 * `envs` are the environments of the app's stacks, each stack named after its environment.
 */
export async function completeStackDirectories(app: App, envs: readonly StackEnvironment[]): Promise<void> {
  const synthesized: SynthesizedEnvironment[] = envs.map((env) => ({ name: env.name, tier: env.tier, stack: stackJson(app, env.name) }));
  for (const environment of synthesized) {
    const dir = path.join(app.outdir, "stacks", environment.name);
    // Terraform would load a stale cdk.tf.json next to a fresh cdk.tf (or the reverse) and
    // see every resource twice.
    rmSync(path.join(dir, app.hclOutput ? "cdk.tf.json" : "cdk.tf"), { force: true });
    if (app.hclOutput) {
      // Loaded here only: the formatter's WebAssembly costs a JSON synth nothing.
      const { terraformFmt } = await import("./terraform-fmt");
      const hcl = path.join(dir, "cdk.tf");
      writeFileSync(hcl, await terraformFmt(readFileSync(hcl, "utf8")));
    }
    writeFileSync(path.join(dir, "REVIEW.md"), reviewPage(environment, synthesized.filter((e) => e !== environment)));
  }
}

/**
 * A stack's configuration as `cdk.tf.json` holds it: the file a JSON synth wrote or, for an
 * HCL synth, the stack rendered again and written the way cdktf writes that file (keys
 * sorted, undefined attributes left out), so both synths review the same thing.
 */
function stackJson(app: App, name: string): StackJson {
  if (!app.hclOutput) return JSON.parse(readFileSync(path.join(app.outdir, "stacks", name, "cdk.tf.json"), "utf8"));
  const stack = app.node.findChild(name) as TerraformStack;
  return JSON.parse(
    JSON.stringify(stack.toTerraform(), (_key, value: unknown) =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
    ),
  );
}
