import { Token } from "cdktf";
import * as v from "valibot";
import { allowed, show } from "./validation";

/**
 * The field schemas props are declared with: each a valibot schema whose failure reads
 * `is <value>; allowed: <what is allowed>`, with at most one check per field so that a
 * field has at most one problem.
 */

/**
 * One check with a message computed from the value: `problem` returns what is wrong
 * (e.g. `is 3; allowed: ...`), or `undefined` when the value is fine. One check per field
 * keeps one message per field.
 */
export function satisfies<T>(
  problem: (value: T) => string | undefined,
): v.CheckAction<T, (issue: v.CheckIssue<T>) => string> {
  return v.check<T, (issue: v.CheckIssue<T>) => string>(
    (value) => problem(value) === undefined,
    (issue) => problem(issue.input) ?? "",
  );
}

/** `true` or `false`, nothing that merely looks like one (`"false"` is refused). */
export function flag() {
  return v.boolean(allowed("true or false"));
}

/** A number that `accept` accepts, `description` saying in words which. */
export function numberWhere(description: string, accept: (value: number) => boolean) {
  return v.pipe(
    v.number(allowed(description)),
    satisfies((n: number) => (accept(n) ? undefined : `is ${show(n)}; allowed: ${description}`)),
  );
}

/** A string that `accept` accepts, `description` saying in words which. */
export function stringWhere(description: string, accept: (value: string) => boolean) {
  return v.pipe(
    v.string(allowed(description)),
    satisfies((s: string) => (accept(s) ? undefined : `is ${show(s)}; allowed: ${description}`)),
  );
}

/**
 * An integer from `min` to `max`. With `tokens`, a number token (a value another
 * resource produces, known only at apply time) passes unchecked.
 */
export function integer(min: number, max: number, options: { readonly tokens?: boolean } = {}) {
  return numberWhere(
    `an integer from ${min} to ${max}`,
    (n) => (options.tokens === true && Token.isUnresolved(n)) || (Number.isInteger(n) && n >= min && n <= max),
  );
}

/** One of a fixed list of values. */
export function oneOf<const T extends readonly (string | number)[]>(values: T) {
  return v.picklist(values, allowed(values.map(show).join(", ")));
}

/**
 * A string matching `pattern`, described in words for the message. With `tokens`, a
 * string token (a value another resource produces) passes unchecked.
 */
export function text(pattern: RegExp, description: string, options: { readonly tokens?: boolean } = {}) {
  return stringWhere(description, (s) => (options.tokens === true && Token.isUnresolved(s)) || pattern.test(s));
}

/** Any string, e.g. a value another resource produces. */
export function anyString(description = "a string") {
  return v.string(allowed(description));
}

/**
 * A string known at synthesis, not a token: e.g. a name written into a file or matched
 * by a pattern while the stack is built. `description` says what is allowed.
 */
export function literalString(description: string) {
  return v.pipe(
    anyString(description),
    satisfies((s: string) => (Token.isUnresolved(s) ? `is a token; allowed: ${description}` : undefined)),
  );
}

/**
 * A list of `item`s: at least `min`, all different. `description` says what the items
 * are. A list token (a list another resource produces, one opaque element) is refused:
 * the constructs name each item, e.g. each subnet's ARN.
 */
export function list<TItem extends v.GenericSchema>(
  item: TItem,
  description: string,
  options: { readonly min?: number } = {},
): v.GenericSchema<readonly v.InferInput<TItem>[], v.InferOutput<TItem>[]> {
  const min = options.min ?? 0;
  return v.pipe(
    v.array(v.unknown(), allowed(`a list of ${description}`)),
    satisfies((values: unknown[]) =>
      Token.isUnresolved(values)
        ? `is a list token; allowed: a list of ${description}, one item each (a value or a token)`
        : undefined,
    ),
    v.array(item),
    satisfies((values: v.InferOutput<TItem>[]) => {
      if (values.length < min) return `has ${values.length} item(s); allowed: at least ${min}`;
      const duplicate = values.find((value, i) => values.indexOf(value) !== i);
      return duplicate === undefined ? undefined : `lists ${show(duplicate)} twice; allowed: distinct values`;
    }),
  );
}

/** An object of names and `value`s, e.g. tags or a KMS key per region. */
export function mapOf<TValue extends v.GenericSchema>(value: TValue, description: string) {
  return v.pipe(
    // valibot takes an array for a record (of its numbered keys).
    v.custom<Record<string, v.InferInput<TValue>>>((input) => !Array.isArray(input), allowed(description)),
    v.record(v.string(), value, allowed(description)),
  );
}

/**
 * Objects that differ by a discriminating key, e.g. `kind: "new"` or `kind: "existing"`:
 * each option is a settings object whose `key` entry is a `v.literal`.
 */
export function variantOf<
  const TKey extends string,
  const TOptions extends readonly v.ObjectSchema<
    Record<TKey, v.LiteralSchema<string, undefined>> & v.ObjectEntries,
    v.ErrorMessage<v.ObjectIssue>
  >[],
>(key: TKey, options: TOptions) {
  const kinds = options.map((option) => show(option.entries[key].literal));
  return v.variant(key, options, (issue) =>
    issue.path === undefined
      ? `is ${show(issue.input)}; allowed: an object of settings with ${key} ${kinds.join(", ")}`
      : allowed(kinds.join(", "))(issue),
  );
}

