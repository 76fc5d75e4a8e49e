import type { DatabaseEngine, EngineRegistry } from "./engine";

/**
 * The real drivers. Each is loaded on its first connection, so that importing the
 * function (a cold start) does not pay for a driver the secret does not use.
 */
export const DEFAULT_ENGINES: EngineRegistry = {
  mysql: lazyEngine(async () => (await import("./mysql")).mysqlEngine),
  postgres: lazyEngine(async () => (await import("./postgres")).postgresEngine),
};

function lazyEngine(load: () => Promise<DatabaseEngine>): DatabaseEngine {
  return {
    connect: async (target, credentials, options) => (await load()).connect(target, credentials, options),
  };
}

export type { ConnectOptions, ConnectionTarget, DatabaseEngine, DatabaseSession, EngineRegistry, UserStatus } from "./engine";
