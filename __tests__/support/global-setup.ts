/**
 * Jest global setup of the integration project: starts MariaDB and PostgreSQL once for
 * the whole run and publishes their connection details (see db-servers.ts) through the
 * JSON file named by `DATABASES_ENV_VAR`; test workers inherit the variable.
 */
import { DATABASES_ENV_VAR, startDatabases, writeDatabaseEnvironment, type RunningDatabases } from "./db-servers";

/** What global-teardown.ts needs; jest keeps globals from global setup for the teardown only. */
export interface GlobalDatabases {
  readonly databases: RunningDatabases;
  readonly environmentFile: string;
}
export const GLOBAL_DATABASES_KEY = "__rotationIntegrationDatabases";

export default async function globalSetup(): Promise<void> {
  const databases = await startDatabases();
  try {
    const environmentFile = await writeDatabaseEnvironment(databases);
    process.env[DATABASES_ENV_VAR] = environmentFile;
    const handle: GlobalDatabases = { databases, environmentFile };
    (globalThis as Record<string, unknown>)[GLOBAL_DATABASES_KEY] = handle;
  } catch (error) {
    await databases.stop();
    throw error;
  }
  const { certificates, mariadb, postgres, total } = databases.startupMs;
  process.stderr.write(
    `\n[integration] MariaDB :${databases.mariadb.port} and PostgreSQL :${databases.postgres.port} ready in ${total} ms ` +
      `(certificates ${certificates} ms, then in parallel MariaDB ${mariadb} ms, PostgreSQL ${postgres} ms)\n`,
  );
}
