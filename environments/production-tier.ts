import { type Rule } from "../constructs/settings-schema";
import { is, type PathKey } from "../constructs/validation";

/**
 * What the `production` tier demands of a setting: one line per setting the development
 * tier may take a shortcut on (to save cost or to be torn down) and production may not.
 */
interface TierRequirement {
  /** Dotted path of the setting, `*` for every item of a list. */
  readonly field: string;
  readonly accepts: (value: unknown) => boolean;
  /** What the tier allows, in words. */
  readonly allowed: string;
}

const atLeast = (min: number) => (value: unknown) => typeof value === "number" && value >= min;

const PRODUCTION_REQUIREMENTS: readonly TierRequirement[] = [
  { field: "database.deletionProtection", accepts: (value) => value === true, allowed: "true" },
  { field: "database.multiAz", accepts: (value) => value === true, allowed: "true" },
  { field: "database.finalSnapshot", accepts: (value) => value === true, allowed: "true" },
  { field: "database.backupRetentionDays", accepts: atLeast(7), allowed: "7 to 35" },
  { field: "encryption.kind", accepts: (value) => value !== "aws-managed", allowed: '"customer-managed" or "existing"' },
  { field: "keyValueSecrets.*.recoveryWindowDays", accepts: atLeast(7), allowed: "7 to 30" },
  {
    field: "keyValueSecrets.*.rotation",
    accepts: (value) => value !== undefined,
    allowed: 'a function that rotates it ({ kind: "function", functionArn, automaticallyAfterDays }) or why not ({ kind: "none", reason })',
  },
  { field: "databaseUsers.*.recoveryWindowDays", accepts: atLeast(7), allowed: "7 to 30" },
  {
    field: "allowedAccountIds",
    accepts: (value) => value !== undefined,
    allowed: "the 12-digit IDs of the accounts it deploys to",
  },
  {
    field: "backend",
    accepts: (value) => {
      const backend = value as { kind: string; acceptLocalStateInProduction?: boolean };
      return backend.kind !== "local" || backend.acceptLocalStateInProduction === true;
    },
    allowed:
      '{ kind: "cloud" } (Terraform Cloud), or local state accepted explicitly, { kind: "local", acceptLocalStateInProduction: true }',
  },
];

/** The production tier's hardening, one rule per requirement. */
export const PRODUCTION_TIER_RULES: readonly Rule<{ readonly tier: string }>[] = PRODUCTION_REQUIREMENTS.map(
  ({ field, accepts, allowed }) => ({
    fields: ["tier", field],
    check: (env, report) => {
      if (env.tier !== "production") return;
      for (const [path, value] of valuesAt(env, field.split("."))) {
        if (!accepts(value)) report(path, `${is(value)}, which the production tier refuses; allowed: ${allowed}`);
      }
    },
  }),
);

/** Every value at a dotted path, `*` standing for each item of a list, with its concrete path. */
function valuesAt(root: unknown, segments: readonly string[], path: readonly PathKey[] = []): [PathKey[], unknown][] {
  if (segments.length === 0) return [[[...path], root]];
  const [segment, ...rest] = segments;
  if (segment === "*") {
    return Array.isArray(root) ? root.flatMap((item, i) => valuesAt(item, rest, [...path, i])) : [];
  }
  const child = root !== null && typeof root === "object" ? (root as Record<string, unknown>)[segment] : undefined;
  return valuesAt(child, rest, [...path, segment]);
}
