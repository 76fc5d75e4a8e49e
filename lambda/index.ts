/**
 * AWS Secrets Manager rotation function for database credential secrets (MySQL,
 * MariaDB, Aurora MySQL, PostgreSQL, Aurora PostgreSQL), single-user or
 * alternating-users strategy. It rotates only the secrets its binding names, on the
 * databases and with the master secrets the binding names (shared/rotation-binding.ts);
 * the secret's JSON (shared/secret-contract.ts) is checked against the binding.
 */
import { loadBindings } from "./bindings";
import { resolveOptions, type RotationOptions } from "./config";
import { DatabaseConnector } from "./database";
import { rotate, type RotationEvent } from "./rotation";

export type { RotationEvent, RotationStep } from "./rotation";
export type { RotationOptions } from "./config";
export { DEFAULT_EXCLUDE_CHARACTERS } from "./config";
export type { ConnectOptions, ConnectionTarget, DatabaseEngine, DatabaseSession, EngineRegistry } from "./engines";

/**
 * Builds a rotation handler. Options not given are read from the environment now, and
 * the binding from ROTATION_DATABASES and the secret-bindings.json next to this bundle;
 * everything is validated: a bad setting throws here with a message naming it.
 */
export function createHandler(options: Partial<RotationOptions> = {}): (event: RotationEvent) => Promise<void> {
  const resolved = resolveOptions(options, process.env);
  const deps = {
    client: resolved.client,
    strategy: resolved.strategy,
    // In the bundle, __dirname is the directory of index.js, where the package has the file.
    bindings: loadBindings(
      { databases: options.databases, secrets: options.secretBindings },
      process.env,
      resolved.strategy,
      __dirname,
    ),
    passwordPolicy: { length: resolved.passwordLength, excludeCharacters: resolved.excludeCharacters },
    database: new DatabaseConnector(resolved),
  };
  return (event) => rotate(event, deps);
}

let defaultHandler: ((event: RotationEvent) => Promise<void>) | undefined;

/** The Lambda entry point: createHandler() with the function's environment, built on the first invocation. */
export async function handler(event: RotationEvent): Promise<void> {
  defaultHandler ??= createHandler();
  return defaultHandler(event);
}
