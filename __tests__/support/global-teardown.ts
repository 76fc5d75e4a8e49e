/** Jest global teardown of the integration project: stops the servers and removes every temporary file. */
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { DATABASES_ENV_VAR } from "./db-servers";
import { GLOBAL_DATABASES_KEY, type GlobalDatabases } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>)[GLOBAL_DATABASES_KEY] as GlobalDatabases | undefined;
  if (!handle) return;
  delete (globalThis as Record<string, unknown>)[GLOBAL_DATABASES_KEY];
  delete process.env[DATABASES_ENV_VAR];
  await handle.databases.stop();
  await rm(dirname(handle.environmentFile), { recursive: true, force: true });
}
