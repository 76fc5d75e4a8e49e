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
   * directory): one CommonJS file exporting `handler`. Deployment packages built from it
   * are kept in `packages/` next to it, one per content, and reused while the content is
   * unchanged.
   */
  codePath: text(/\.js$/, "a path ending in .js"),
});

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
