import * as v from "valibot";
import { text } from "./field-schemas";
import { settings } from "./settings-schema";

/** The rotation function's deployment package, as the constructs reference it. */
export const RotationBundleSchema = settings({
  /** Path of the deterministic zip. */
  zipPath: text(/\.zip$/, "a path ending in .zip"),
  /** Base64 SHA-256 of the zip (Lambda's `source_code_hash`). */
  sha256Base64: text(/^[A-Za-z0-9+/]{43}=$/, "a base64 SHA-256 (44 characters ending in =)"),
});

/** The rotation function's deployment package, as the constructs reference it. */
export type RotationBundle = v.InferInput<typeof RotationBundleSchema>;
