import type { StepContext, StepResult } from "./context";

/**
 * finishSecret: moves AWSCURRENT to the pending version. The gate has already returned
 * if the token holds AWSCURRENT, so the label is moved only while it is elsewhere.
 */
export async function finishSecret(ctx: StepContext): Promise<StepResult> {
  await ctx.store.makeCurrent(ctx.token, ctx.versions.current);
  return { outcome: "success", message: `moved AWSCURRENT from version ${ctx.versions.current ?? "(none)"}` };
}
