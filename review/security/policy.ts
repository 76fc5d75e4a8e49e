/**
 * Reading IAM policy documents (identity, key, topic, trust and endpoint policies) out of
 * synthesized attributes, and the questions the checks ask about them.
 *
 * A policy attribute is JSON text whose strings may contain interpolations
 * (`"Resource": "${aws_kms_key.K.arn}"`), which parses as JSON. A policy that is a whole
 * Terraform expression (`${data.aws_iam_policy_document.x.json}`, `${jsonencode(...)}`)
 * cannot be inspected here: {@link statementsOf} returns `undefined` and the checks fail
 * on it, so such policies cannot slip through unreviewed.
 */

/** One statement, normalized: lists instead of string-or-list. */
export interface Statement {
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  /** Whether the statement uses `NotAction` (everything except the listed actions). */
  readonly notAction: boolean;
  readonly resources: readonly string[];
  /** Whether the statement uses `NotResource`. */
  readonly notResource: boolean;
  /** `"*"` when the principal is the wildcard, otherwise the AWS and Service principals. */
  readonly principal: "*" | { readonly aws: readonly string[]; readonly service: readonly string[] } | undefined;
  /** Condition operator → condition key → values; `{}` without a condition. */
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The statements of a policy attribute, or `undefined` when it is not an inspectable JSON document. */
export function statementsOf(policy: unknown): Statement[] | undefined {
  if (typeof policy !== "string") return undefined;
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return undefined;
  }
  if (document === null || typeof document !== "object" || !("Statement" in document)) return undefined;
  const raw = (document as { Statement: unknown }).Statement;
  return (Array.isArray(raw) ? raw : [raw]).map(normalize);
}

function normalize(raw: unknown): Statement {
  const s = (raw ?? {}) as Record<string, unknown>;
  return {
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.Action ?? s.NotAction),
    notAction: s.NotAction !== undefined,
    resources: strings(s.Resource ?? s.NotResource),
    notResource: s.NotResource !== undefined,
    principal: principalOf(s.Principal),
    condition: (s.Condition ?? {}) as Statement["condition"],
  };
}

function principalOf(raw: unknown): Statement["principal"] {
  if (raw === undefined) return undefined;
  if (raw === "*") return "*";
  const p = raw as { AWS?: unknown; Service?: unknown };
  const aws = strings(p.AWS);
  return aws.includes("*") ? "*" : { aws, service: strings(p.Service) };
}

function strings(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** Whether the statement has a `Condition`. */
export function hasCondition(statement: Statement): boolean {
  return Object.keys(statement.condition).length > 0;
}

/** The condition keys the statement tests, lower-cased (`aws:sourceaccount`, ...). */
function conditionKeys(statement: Statement): string[] {
  return Object.values(statement.condition).flatMap((keys) => Object.keys(keys).map((k) => k.toLowerCase()));
}

/** Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive) matches an action. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`,
    "i",
  );
  return regex.test(action);
}

/** Whether an Allow statement grants `action` (directly, through a wildcard, or through `NotAction`). */
export function grants(statement: Statement, action: string): boolean {
  if (statement.effect !== "Allow") return false;
  const listed = statement.actions.some((pattern) => actionMatches(pattern, action));
  return statement.notAction ? !listed : listed;
}

/** Whether the statement applies to every resource (`"*"`, or any `NotResource`). */
export function onAllResources(statement: Statement): boolean {
  return statement.notResource || statement.resources.includes("*");
}

/**
 * Allow statements without a condition that apply to every resource: what cloudsplaining
 * (behind Checkov's CKV_AWS_286–290 and CKV_AWS_355) calls "without resource constraints".
 */
export function unconstrainedAllows(statements: readonly Statement[]): Statement[] {
  return statements.filter((s) => s.effect === "Allow" && !hasCondition(s) && onAllResources(s));
}

/** Whether any unconstrained Allow statement grants any of `actions`. */
export function grantsAnyUnconstrained(statements: readonly Statement[], actions: readonly string[]): boolean {
  return unconstrainedAllows(statements).some((s) => actions.some((a) => grants(s, a)));
}

/**
 * Whether the policy admits anyone: an Allow statement whose principal is `*` (or
 * `{"AWS": "*"}`) with no condition at all.
 */
export function allowsAnyPrincipalUnconditionally(statements: readonly Statement[]): boolean {
  return statements.some((s) => s.effect === "Allow" && s.principal === "*" && !hasCondition(s));
}

/**
 * Condition keys that tie a wildcard principal, or a service principal acting on the
 * account's behalf, to one account, organization or source resource.
 */
const SCOPING_CONDITION_KEYS = [
  "aws:principalaccount",
  "aws:principalorgid",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourcevpce",
  "aws:sourcevpc",
  "kms:calleraccount",
];

/** Whether an Allow statement with a wildcard principal is not scoped to an account, organization or source. */
export function isPublicStatement(statement: Statement): boolean {
  return (
    statement.effect === "Allow" &&
    statement.principal === "*" &&
    !conditionKeys(statement).some((k) => SCOPING_CONDITION_KEYS.includes(k))
  );
}
