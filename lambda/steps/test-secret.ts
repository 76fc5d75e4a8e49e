import { AWSPENDING } from "../secrets";
import { credentialsOf } from "../users";
import type { StepContext, StepResult } from "./context";

/** testSecret: logs in with the pending credentials and runs a query. */
export async function testSecret(ctx: StepContext): Promise<StepResult> {
  const pending = (await ctx.store.getDatabaseSecret(AWSPENDING, ctx.token)).value;
  const credentials = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  await ctx.database.withSession(pending, credentials, (session) => session.test());
  return { outcome: "success", message: `user ${pending.username} logs in with the pending password` };
}
