import { App } from "cdktf";
import { SecretsRotationStack } from "./stacks/secrets-rotation-stack";
import * as environmentModules from "./environments";
import type { EnvironmentConfig } from "./environments/types";
import { validateEnvironments, validatePhysicalNames } from "./environments/validate";
import type { RotationBundle } from "./constructs/rotation-bundle";
import { completeStackDirectories } from "./review/stack-directories";
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
