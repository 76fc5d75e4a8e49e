/**
 * Synth-time validation shared by every construct and by the environment loader.
 *
 * A failed check throws a `ValidationError` that names the field, the value it got and
 * what is allowed. The stack prefixes the environment and the configuration path
 * (`environment "dev": database.backupRetentionDays ...`), so constructs only name their
 * own prop. Never pass a secret value to these helpers: the value appears in the message.
 */
export class ValidationError extends Error {
  constructor(
    /** Dotted path of the offending field, e.g. `backupRetentionDays`. */
    readonly field: string,
    /** What is wrong and what is allowed, without the field name. */
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = "ValidationError";
  }

  /** The same error with `prefix.` put in front of the field path. */
  within(prefix: string): ValidationError {
    return new ValidationError(`${prefix}.${this.field}`, this.problem);
  }
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** An integer in [min, max]. */
export function checkIntegerRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `is ${show(value)}; allowed: an integer from ${min} to ${max}`);
  }
}

/** One of a fixed list of values. */
export function checkOneOf<T>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new ValidationError(field, `is ${show(value)}; allowed: ${allowed.map(show).join(", ")}`);
  }
}

/** A string matching `pattern`, described in words for the message. */
export function checkPattern(field: string, value: string, pattern: RegExp, description: string): void {
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new ValidationError(field, `is ${show(value)}; allowed: ${description}`);
  }
}

/** At least `min` items, all different. */
export function checkDistinctList(field: string, values: readonly unknown[], min: number): void {
  if (values.length < min) {
    throw new ValidationError(field, `has ${values.length} item(s); allowed: at least ${min}`);
  }
  const duplicate = values.find((v, i) => values.indexOf(v) !== i);
  if (duplicate !== undefined) {
    throw new ValidationError(field, `lists ${show(duplicate)} twice; allowed: distinct values`);
  }
}

/**
 * Secrets Manager's recovery window: 0 (delete without recovery) or 7 to 30 days.
 */
export function checkRecoveryWindow(field: string, days: number): void {
  if (!(days === 0 || (Number.isInteger(days) && days >= 7 && days <= 30))) {
    throw new ValidationError(field, `is ${show(days)}; allowed: 0 (no recovery) or an integer from 7 to 30`);
  }
}

/** Runs `build`, re-throwing a `ValidationError` with `prefix.` before its field. */
export function withinField<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ValidationError) throw error.within(prefix);
    throw error;
  }
}
