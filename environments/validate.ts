import * as v from "valibot";
import { describeProblem, type Problem, problemsOf, ValidationError } from "../constructs/validation";
import { EnvironmentSchema } from "./schema";
import type { EnvironmentConfig, ValidEnvironment } from "./types";

/**
 * Invalid configuration: one line per problem, each naming the environment, the field,
 * its value and what is allowed, e.g.
 * `environment "dev": database.backupRetentionDays is 40; allowed: an integer from 1 to 35`.
 */
export class ConfigurationError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "ConfigurationError";
  }
}

/**
 * Every environment checked against {@link EnvironmentSchema}, and no two with one name;
 * throws a {@link ConfigurationError} listing every problem of every environment.
 */
export function validateEnvironments(envs: readonly EnvironmentConfig[]): ValidEnvironment[] {
  if (envs.length === 0) {
    throw new ConfigurationError(["no environments: export at least one EnvironmentConfig from environments/index.ts"]);
  }
  const lines: string[] = [];
  const valid: ValidEnvironment[] = [];
  const names = new Set<string>();
  envs.forEach((env, i) => {
    const result = v.safeParse(EnvironmentSchema, env);
    const name = nameOf(env);
    const label = name === undefined ? `environments[${i}]` : `environment "${name}"`;
    if (name !== undefined && names.has(name)) {
      lines.push(
        `${label}: name is used by another environment; allowed: a name no other environment in environments/index.ts uses`,
      );
    }
    if (name !== undefined) names.add(name);
    if (result.success) valid.push(result.output);
    else lines.push(...problemsOf(result.issues).map((problem) => lineOf(label, problem)));
  });
  if (lines.length > 0) throw new ConfigurationError(lines);
  return valid;
}

/** One environment checked against {@link EnvironmentSchema}, defaults applied. */
export function validateEnvironment(env: EnvironmentConfig): ValidEnvironment {
  return validateEnvironments([env])[0];
}

/** A `ValidationError` of a construct as a {@link ConfigurationError} of the environment; other errors pass unchanged. */
export function forEnvironment(name: string, error: unknown): unknown {
  return error instanceof ValidationError
    ? new ConfigurationError(error.problems.map((problem) => lineOf(`environment "${name}"`, problem)))
    : error;
}

/** `<label>: <path> <problem>`, or `<label> <problem>` for the environment itself. */
function lineOf(label: string, problem: Problem): string {
  return problem.path === "" ? `${label} ${problem.problem}` : `${label}: ${describeProblem(problem)}`;
}

/** The name of an environment, if it has one to show. */
function nameOf(env: unknown): string | undefined {
  const name = (env as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}
