import type * as v from "valibot";
import type { EnvironmentSchema } from "./schema";

/**
 * One deployment environment, as typed data: `environments/<name>.ts` exports one of
 * these and `environments/index.ts` lists it. The type is {@link EnvironmentSchema}'s, so
 * each field carries the documentation and default of the schema entry that checks it.
 */
export type EnvironmentConfig = v.InferInput<typeof EnvironmentSchema>;

/** An environment that passed validation, every default applied: what the stack builds. */
export type ValidEnvironment = v.InferOutput<typeof EnvironmentSchema>;

/** One database user of an environment, with its credential secret. */
export type DatabaseUserConfig = EnvironmentConfig["databaseUsers"][number];
