import * as v from "valibot";
import { describeProblem, type Problem, problemsOf, show, ValidationError } from "../constructs/validation";
import { mayShareAccount } from "./accounts";
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
    throw new ConfigurationError(["no environments: pass at least one EnvironmentConfig"]);
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
        `${label}: name is used by another environment; allowed: a name no other environment uses`,
      );
    }
    if (name !== undefined) names.add(name);
    if (result.success) valid.push(result.output);
    else lines.push(...problemsOf(result.issues).map((problem) => lineOf(label, problem)));
  });
  if (lines.length > 0) throw new ConfigurationError(lines);
  return valid;
}

/**
 * Where a name must be unique: in an account and region, in an account (IAM), or
 * everywhere (a Terraform Cloud workspace).
 */
export type NameScope = "region" | "account" | "global";

/** A name a stack gives something it creates, which no other environment in the name's scope may give. */
export interface PhysicalName {
  /** What is named, as messages say it: `DB instance`, `IAM role`. */
  readonly kind: string;
  readonly scope: NameScope;
  readonly name: string;
  /** Where the stack sets it: `aws_db_instance.database`, `terraform.cloud`. */
  readonly address: string;
}

/**
 * No two environments that may be applied to one account give one name to two things AWS
 * keeps apart by name there (in one region, for a regional name), and no two keep their
 * state in one Terraform Cloud workspace. Each environment's names are those its stack
 * creates, so a new named resource is checked as soon as a stack creates it. Throws a
 * {@link ConfigurationError} listing every collision, e.g. `environment "staging":
 * aws_db_instance.database names the DB instance "mytestdatabaseinstance", as
 * aws_db_instance.database of environment "dev" does, in what may be the same account and
 * region (us-east-1); allowed: a name of its own, or the two environments pinned to
 * different accounts (allowedAccountIds)`.
 */
export function validatePhysicalNames(
  stacks: readonly { readonly environment: ValidEnvironment; readonly names: readonly PhysicalName[] }[],
): void {
  const lines: string[] = [];
  stacks.forEach(({ environment, names }, i) => {
    for (const earlier of stacks.slice(0, i)) {
      const sharedAccount = mayShareAccount(environment, earlier.environment);
      const sharedScope: Record<NameScope, string | undefined> = {
        global: "",
        account: sharedAccount ? ", in what may be the same account" : undefined,
        region:
          sharedAccount && environment.region === earlier.environment.region
            ? `, in what may be the same account and region (${environment.region})`
            : undefined,
      };
      const taken = new Map(earlier.names.map((name) => [uniquenessKey(name), name]));
      for (const name of names) {
        const other = taken.get(uniquenessKey(name));
        const where = sharedScope[name.scope];
        if (other === undefined || where === undefined) continue;
        const apart = name.scope === "global" ? "" : ", or the two environments pinned to different accounts (allowedAccountIds)";
        lines.push(
          `environment "${environment.name}": ${name.address} names the ${name.kind} ${show(name.name)}, as ` +
            `${other.address} of environment "${earlier.environment.name}" does${where}; allowed: a name of its own${apart}`,
        );
      }
    }
  });
  if (lines.length > 0) throw new ConfigurationError(lines);
}

/** What makes two names one: IAM and RDS ignore case, so case is ignored everywhere (stricter elsewhere). */
function uniquenessKey({ scope, kind, name }: PhysicalName): string {
  return `${scope}\0${kind}\0${name.toLowerCase()}`;
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
