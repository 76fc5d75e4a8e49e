import * as v from "valibot";
import { text } from "./field-schemas";
import { settings } from "./settings-schema";

/**
 * The rotation function's code as the constructs take it: one bundled `index.js`, built by
 * `scripts/build-lambda.ts`. Each `RotationFunction` packs it, with the bindings of the
 * secrets it rotates, into a deployment package of its own.
 */
export const RotationBundleSchema = settings({
  /**
   * Path of the bundled function, `index.js` (absolute, or relative to the working
   * directory): one CommonJS file exporting `handler`.
   */
  codePath: text(/\.js$/, "a path ending in .js"),
  /**
   * Directory (absolute, or relative to the working directory) where the deployment
   * packages zipped from the bundle are kept, one per content, and reused while the
   * content is unchanged. A folder of the project that synthesizes, never of an installed
   * package, which may be read-only.
   * @default DEFAULT_PACKAGES_DIR, under the working directory
   */
  packagesDir: v.optional(text(/\S/, "a directory path")),
});

/** Where deployment packages are kept by default: npm's conventional cache folder of the project. */
export const DEFAULT_PACKAGES_DIR = "node_modules/.cache/secrets-rotation";

/** The rotation function's code as the constructs take it: see {@link RotationBundleSchema}. */
export type RotationBundle = v.InferInput<typeof RotationBundleSchema>;

/**
 * The Lambda runtimes a rotation function may be given, oldest first. The bundle is
 * compiled for the oldest (see {@link bundleTarget}) so that the one bundle runs on each.
 */
export const ROTATION_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;
export type RotationRuntime = (typeof ROTATION_RUNTIMES)[number];

/** The runtime of a rotation function that does not choose one. */
export const DEFAULT_ROTATION_RUNTIME: RotationRuntime = "nodejs24.x";

/**
 * esbuild's target for the bundle: the oldest selectable runtime's Node.js (`node22`).
 * Syntax compiled for an older Node.js runs on every newer one, while syntax left as is
 * for a newer one could fail to parse on the older; and the bundle carries its own AWS
 * SDK and drivers, so it needs nothing from the runtime but Node.js itself.
 */
export function bundleTarget(): string {
  return ROTATION_RUNTIMES[0].replace(/^nodejs(\d+)\.x$/, "node$1");
}
