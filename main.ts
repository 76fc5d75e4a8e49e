import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { SecretsRotationStack } from "./stacks/secrets-rotation-stack";
import * as environmentModules from "./environments";
import type { EnvironmentConfig } from "./environments/types";
import { validateEnvironments, validatePhysicalNames } from "./environments/validate";
import type { RotationBundle } from "./constructs/rotation-bundle";
import { reviewPage, type SynthesizedEnvironment } from "./review/review-page";
import type { StackJson } from "./review/terraform-json";
import { ensureRotationBundle } from "./scripts/rotation-bundle";

/** Every environment listed in `environments/index.ts`. */
export const environments: readonly EnvironmentConfig[] = Object.values(environmentModules);

export interface BuildAppOptions {
  /** Output directory. @default "cdktf.out" (or `CDKTF_OUTDIR`, as the cdktf CLI sets it) */
  readonly outdir?: string;
  /** @default every environment in `environments/index.ts` */
  readonly environments?: readonly EnvironmentConfig[];
  /** The rotation function's zip. */
  readonly bundle: RotationBundle;
}

/**
 * One stack per environment. Every environment is validated before any construct is
 * created, and one `ConfigurationError` lists the problems of all of them; then the
 * names the stacks give their resources, which environments that may share an account
 * must not share.
 */
export function buildApp(options: BuildAppOptions): App {
  const envs = options.environments ?? environments;
  validateEnvironments(envs);
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stacks = envs.map((environment) => new SecretsRotationStack(app, environment, options.bundle));
  // A single environment has no other to collide with, and skips rendering its stack twice.
  if (stacks.length > 1) {
    validatePhysicalNames(stacks.map((stack) => ({ environment: stack.environment, names: stack.physicalNames() })));
  }
  return app;
}

/** Entry point of `npm run synth` and of the cdktf app command. */
export async function main(): Promise<void> {
  const bundle = await ensureRotationBundle();
  const app = buildApp({ bundle });
  app.synth();
  await completeStackDirectories(app, environments);
}

/**
 * What each stack directory gets after `app.synth()`: the configuration in one format
 * only, HCL laid out as `terraform fmt` leaves it, and the review page, `REVIEW.md`.
 */
export async function completeStackDirectories(app: App, envs: readonly EnvironmentConfig[]): Promise<void> {
  const synthesized: SynthesizedEnvironment[] = envs.map((env) => ({ name: env.name, tier: env.tier, stack: stackJson(app, env.name) }));
  for (const environment of synthesized) {
    const dir = path.join(app.outdir, "stacks", environment.name);
    // Terraform would load a stale cdk.tf.json next to a fresh cdk.tf (or the reverse) and
    // see every resource twice.
    rmSync(path.join(dir, app.hclOutput ? "cdk.tf.json" : "cdk.tf"), { force: true });
    if (app.hclOutput) {
      // Loaded here only: the formatter's WebAssembly costs a JSON synth nothing.
      const { terraformFmt } = await import("./review/terraform-fmt");
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
