import { closest, distance } from "fastest-levenshtein";
import * as v from "valibot";
import { is, type PathKey, show } from "./validation";

/**
 * Objects of settings: the props of a construct, or an environment. Each is valibot's
 * object schema with what configuration written by hand needs besides (every unknown key
 * reported, with a "did you mean"; rules across fields), and can be reshaped for another
 * use with {@link adapt}, so that the environment's settings are the constructs' props.
 */

/**
 * A rule across the fields of one settings object, such as "`maxAllocatedStorageGb`
 * above `allocatedStorageGb`" or "no deletion without protection in the production tier".
 */
export interface Rule<T> {
  /**
   * Dotted paths of the fields the rule reads, `*` standing for any list index (e.g.
   * `engine`, `database.multiAz`, `databaseUsers.*.username`). The rule runs only when
   * none of them has a problem of its own, so it may read them as valid.
   */
  readonly fields: readonly string[];
  /** Reports each problem at the path of the field it concerns (empty: the object itself). */
  readonly check: (input: T, report: (path: readonly PathKey[], problem: string) => void) => void;
}

/** What {@link settings} returns: valibot's object schema, carrying its rules for {@link adapt}. */
export type SettingsSchema<TEntries extends v.ObjectEntries> = v.ObjectSchema<
  TEntries,
  v.ErrorMessage<v.ObjectIssue>
> & { readonly rules: readonly Rule<NoInfer<SettingsOutput<TEntries>>>[] };

/** The checked value of a settings object: defaults applied. */
export type SettingsOutput<TEntries extends v.ObjectEntries> = v.InferOutput<v.ObjectSchema<TEntries, undefined>>;

/**
 * An object of settings: valibot's `object` (each entry checked, defaults applied), with
 * three things configuration written by hand needs:
 *
 * - every key that is not a setting is a problem, with a "did you mean" for a near miss
 *   (valibot's `strictObject` reports only the first such key of an object);
 * - a missing setting reads `is missing; allowed: ...` with its own description;
 * - `rules` across the fields, each run when the fields it reads are valid, so that one
 *   run reports every problem.
 */
export function settings<const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  rules: readonly Rule<SettingsOutput<TEntries>>[] = [],
): SettingsSchema<TEntries> {
  const schema = v.object(entries, (issue) => {
    const missing = issue.path?.[0];
    if (missing?.origin === "key") {
      // A required entry without a value: the entry's own message for `undefined`.
      const own = entries[missing.key as string]["~run"]({ value: undefined }, {}).issues?.[0];
      return own?.message ?? "is missing";
    }
    return notAnObject(issue.input);
  });
  const run = schema["~run"];
  return Object.assign(schema, {
    rules,
    "~run"(this: SettingsSchema<TEntries>, dataset: v.UnknownDataset, config: v.Config<v.BaseIssue<unknown>>) {
      const input = dataset.value;
      // valibot takes an array for an object (of its numbered keys).
      if (Array.isArray(input)) {
        return { typed: false, value: input, issues: [issueAt([], input, notAnObject(input), "type")] };
      }
      const result = run.call(this, dataset, config) as v.OutputDataset<unknown, v.BaseIssue<unknown>>;
      if (input === null || typeof input !== "object") return result;
      const issues: v.BaseIssue<unknown>[] = [];
      for (const key of Object.keys(input)) {
        if (!Object.prototype.hasOwnProperty.call(this.entries, key)) {
          issues.push(issueAt([key], input, notASetting(key, Object.keys(this.entries)), "unknown_key"));
        }
      }
      for (const rule of this.rules) {
        if (rule.fields.some((field) => touched(field, result.issues ?? []))) continue;
        rule.check(result.value as SettingsOutput<TEntries>, (path, problem) =>
          issues.push(issueAt(path, result.value, problem, "rule")),
        );
      }
      if (issues.length === 0) return result;
      return { typed: false, value: result.value, issues: [...(result.issues ?? []), ...issues] };
    },
  }) as SettingsSchema<TEntries>;
}

function notAnObject(input: unknown): string {
  return `${is(input)}; allowed: an object of settings`;
}

/**
 * `is not a setting; did you mean ...?` for a near miss (a typo, a letter's case, a word
 * left off), or the list of settings.
 */
function notASetting(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const nearest = known.length > 0 ? closest(lower, known.map((k) => k.toLowerCase())) : undefined;
  const suggestion = known.find((k) => k.toLowerCase() === nearest);
  if (suggestion !== undefined) {
    const tolerance = Math.max(2, Math.floor(Math.max(key.length, suggestion.length) / 4));
    if (distance(lower, suggestion.toLowerCase()) <= tolerance) return `is not a setting; did you mean ${suggestion}?`;
  }
  return `is not a setting; allowed: ${known.join(", ")}`;
}

/** Whether an issue lies on, under or above a dotted field path (`*` matching any key). */
function touched(field: string, issues: readonly v.BaseIssue<unknown>[]): boolean {
  const segments = field.split(".");
  return issues.some((issue) => {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const common = Math.min(keys.length, segments.length);
    return keys.slice(0, common).every((key, i) => segments[i] === "*" || segments[i] === key);
  });
}

/** An issue at `path` under `root`, with the path items valibot's own issues carry. */
function issueAt(path: readonly PathKey[], root: unknown, message: string, type: string): v.BaseIssue<unknown> {
  const items: v.IssuePathItem[] = [];
  let parent = root as Record<PathKey, unknown> | undefined;
  for (const key of path) {
    const value = parent?.[key];
    items.push({ type: "unknown", origin: "value", input: parent, key, value });
    parent = value as Record<PathKey, unknown> | undefined;
  }
  const input = path.length > 0 ? items[items.length - 1].value : root;
  return {
    kind: "validation",
    type,
    input,
    expected: null,
    received: show(input),
    message,
    path: items.length > 0 ? (items as [v.IssuePathItem, ...v.IssuePathItem[]]) : undefined,
  };
}

/**
 * A settings schema reshaped for another use, e.g. an environment's view of a construct's
 * props without what the stack wires: the entries kept (`pick`, see {@link allBut}),
 * entries added, and the rules of the original that read only kept fields (a rule on a
 * dropped field belongs where that field is known, e.g. the environment's own rules).
 */
export function adapt<
  TEntries extends v.ObjectEntries,
  const TKept extends keyof TEntries & string,
  const TAdded extends v.ObjectEntries = Record<never, never>,
>(
  schema: SettingsSchema<TEntries>,
  change: { readonly pick: readonly TKept[]; readonly add?: TAdded },
): SettingsSchema<Pick<TEntries, TKept> & TAdded> {
  const kept = new Set<string>(change.pick);
  const entries = Object.fromEntries(Object.entries(schema.entries).filter(([key]) => kept.has(key)));
  const rules = schema.rules.filter((rule) => rule.fields.every((field) => kept.has(field.split(".")[0])));
  // The kept rules read only kept fields, whose schemas are unchanged: they hold for the new shape.
  return settings(
    { ...entries, ...change.add } as Pick<TEntries, TKept> & TAdded,
    rules as readonly Rule<SettingsOutput<Pick<TEntries, TKept> & TAdded>>[],
  );
}

/** Every key of a settings schema but `omitted`: the `pick` of {@link adapt} for "all but". */
export function allBut<TEntries extends v.ObjectEntries, const TOmitted extends keyof TEntries & string>(
  schema: SettingsSchema<TEntries>,
  omitted: readonly TOmitted[],
): Exclude<keyof TEntries & string, TOmitted>[] {
  return Object.keys(schema.entries).filter((key) => !(omitted as readonly string[]).includes(key)) as Exclude<
    keyof TEntries & string,
    TOmitted
  >[];
}

