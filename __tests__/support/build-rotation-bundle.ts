import { ensureRotationBundle } from "../../scripts/rotation-bundle";

// Builds the rotation function's zip once, before the test workers start, so that the
// tests that synthesize stacks find it ready instead of racing to build it.
export default async function buildRotationBundleOnce(): Promise<void> {
  await ensureRotationBundle();
}
