import * as v from "valibot";

/**
 * How a failed check reads: `<path> is <value>; allowed: <what is allowed>`, e.g.
 * `backupRetentionDays is 40; allowed: an integer from 1 to 35`. Constructs check their
 * props with their props schema (see `field-schemas.ts` and `settings-schema.ts`) and
 * throw a {@link ValidationError} listing every problem; the stack or the environment
 * loader puts the environment and the configuration path in front.
 *
 * Values appear in the messages: never give these checks a secret value.
 */

/** A key in a path: an object key or an array index. */
export type PathKey = string | number;

/** What is wrong with one field. */
export interface Problem {
  /** Path of the field, e.g. `logExports[1]` or `rotation.duration`; empty for the value itself. */
  readonly path: string;
  /** What is wrong and what is allowed, e.g. `is 40; allowed: an integer from 1 to 35`. */
  readonly problem: string;
}

/** Invalid props: one or more problems, each naming its field, its value and what is allowed. */
export class ValidationError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(describeProblem).join("\n"));
    this.name = "ValidationError";
  }

  /** The same problems, with `prefix` put in front of each path. */
  within(prefix: string): ValidationError {
    return new ValidationError(this.problems.map(({ path, problem }) => ({ path: joinPath(prefix, path), problem })));
  }
}

/** A {@link ValidationError} with a single problem. */
export function invalid(path: string, problem: string): ValidationError {
  return new ValidationError([{ path, problem }]);
}

/** `path problem`, or only the problem when the path is empty. */
export function describeProblem({ path, problem }: Problem): string {
  return path === "" ? problem : `${path} ${problem}`;
}

/** Runs `build`, re-throwing a `ValidationError` with `prefix` in front of its paths. */
export function withinField<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ValidationError) throw error.within(prefix);
    throw error;
  }
}

/** A value as messages show it: JSON (`NaN` and the infinities as themselves). */
export function show(value: unknown): string {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** `is <value>`, or `is missing` for an absent value: how a message starts. */
export function is(value: unknown): string {
  return value === undefined ? "is missing" : `is ${show(value)}`;
}

/** A message function: `is <value>; allowed: <description>`. */
export function allowed(description: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `${is(issue.input)}; allowed: ${description}`;
}

/** Dotted path of an issue, e.g. `databaseUsers[0].rotation.duration` or `replicaKmsKeyArns["eu-west-1"]`. */
function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).reduce<string>((path, item) => joinPath(path, keyText(item.key as PathKey)), "");
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function keyText(key: PathKey): string {
  if (typeof key === "number") return `[${key}]`;
  return IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function joinPath(prefix: string, path: string): string {
  if (prefix === "") return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** The problems of failed valibot issues, in the order they were found. */
export function problemsOf(issues: readonly v.BaseIssue<unknown>[]): Problem[] {
  return issues.map((issue) => ({ path: issuePath(issue), problem: issue.message }));
}

/** Checks one value, e.g. a method's argument, that messages call `name`. */
export function checkValue<TSchema extends v.GenericSchema>(
  name: string,
  schema: TSchema,
  value: unknown,
): v.InferOutput<TSchema> {
  return withinField(name, () => parseProps(schema, value));
}

/**
 * Checks `props` against `schema` and returns them with defaults applied; throws a
 * {@link ValidationError} listing every problem.
 */
export function parseProps<TSchema extends v.GenericSchema>(schema: TSchema, props: unknown): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, props);
  if (!result.success) throw new ValidationError(problemsOf(result.issues));
  return result.output;
}
