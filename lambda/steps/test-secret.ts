import { AWSPENDING } from "../secrets";
import { credentialsOf } from "../users";
import type { StepContext, StepResult } from "./context";
import { readPending } from "./versions";

/** testSecret: logs in to the bound database with the pending credentials and runs a query. */
export async function testSecret(ctx: StepContext): Promise<StepResult> {
  const pending = (await readPending(ctx)).value;
  const credentials = credentialsOf(pending, `secret ${ctx.store.secretId} version ${AWSPENDING}`);
  await ctx.database.withSession(ctx.binding.database, credentials, (session) => session.test());
  return { outcome: "success", message: `user ${pending.username} logs in with the pending password` };
}
