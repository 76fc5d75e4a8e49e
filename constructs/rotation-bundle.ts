/** The rotation function's deployment package, as the constructs reference it. */
export interface RotationBundle {
  /** Path of the deterministic zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip (Lambda's `source_code_hash`). */
  readonly sha256Base64: string;
}
