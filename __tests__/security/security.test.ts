/**
 * The synthesized stacks against the security catalogue (review/security/).
 *
 * - A production environment passes every check, except the few that do not apply to
 *   this design at all (NOT_APPLICABLE).
 * - A development environment passes every check except its listed exceptions
 *   (DEVELOPMENT_EXCEPTIONS); each exception must still fail in development and pass in
 *   production, and each not-applicable entry must still fail somewhere, so neither list
 *   can go stale.
 * - A key/value secret is rotated, or its environment states why not; the reason excuses
 *   that secret alone from the rotation checks (statedExceptions).
 * - Every resource type in a stack is inspected by at least one check, or is listed in
 *   TYPES_WITHOUT_CHECKS with the reason.
 *
 * One test per environment and check; a failure lists the addresses of the failing
 * resources.
 */
import { environments } from "../../main";
import { CHECKS, TYPES_WITHOUT_CHECKS, type SecurityCheck } from "../../review/security/checks";
import { assess, type CheckResult, covers, evaluate, type Outcome, type SecurityAssessment } from "../../review/security/evaluate";
import { DEVELOPMENT_EXCEPTIONS, NOT_APPLICABLE, type CheckException } from "../../review/security/exceptions";
import { dev } from "../../environments/dev";
import { resourceTypes, type StackJson } from "../../review/terraform-json";
import { synthEnvironments } from "../support/synth";
import { VARIANTS } from "../support/variants";

let stacks: Record<string, StackJson>;
let assessments: Record<string, SecurityAssessment>;
/** The variants' stacks (NAT gateways, Aurora, existing VPC), by environment name. */
let variantStacks: Record<string, StackJson>;

beforeAll(async () => {
  stacks = (await synthEnvironments()).stacks;
  assessments = Object.fromEntries(environments.map((env) => [env.name, assess(stacks[env.name], env.tier)]));
  variantStacks = {};
  for (const { env } of VARIANTS) variantStacks[env.name] = (await synthEnvironments([env])).stacks[env.name];
});

/**
 * Failures the variants show today that no exception accepts: findings for the owner of
 * the construct to fix (or to accept, with a reason, in review/security/exceptions.ts).
 * The test below fails when the list and the stacks disagree, either way.
 */
const OPEN_VARIANT_FINDINGS: Readonly<Record<string, readonly string[]>> = {
  // The Database construct's cluster parameter group sets neither log_statement nor
  // log_min_duration_statement for Aurora PostgreSQL.
  aurora: ["CKV2_AWS_27 on aws_rds_cluster.database"],
};

const development = environments.filter((e) => e.tier === "development");
const production = environments.filter((e) => e.tier === "production");

/** The catalogue check an exception names (undefined if it names none). */
function checkOf(exception: CheckException): SecurityCheck | undefined {
  return CHECKS.find((c) => c.resourceType === exception.resourceType && c.ids.some(({ id }) => id === exception.checkId));
}

/** Outcomes of the exception's check on the resources the exception covers. */
function coveredOutcomes(stack: StackJson, exception: CheckException): Outcome[] {
  const check = checkOf(exception);
  return check ? evaluate(stack, check).filter((o) => covers(exception, check, o.located)) : [];
}

const idsOf = (c: SecurityCheck): string => c.ids.map(({ id }) => id).join(" / ");
const label = (c: SecurityCheck): string => `${idsOf(c)} on ${c.resourceType}: ${c.ids[0].title}`;

describe.each(environments.map((env) => ({ name: `${env.name} (${env.tier})`, env })))("$name", ({ env }) => {
  test.each(CHECKS.map((check) => ({ check, label: label(check) })))("$label", ({ check }) => {
    const failed = assessments[env.name].failed.filter((f) => f.check === check).flatMap((f) => f.addresses);
    expect(failed).toEqual([]);
  });
});

describe.each(VARIANTS.map(({ env, description }) => ({ name: `${env.name} variant (${env.tier}): ${description}`, env })))(
  "$name",
  ({ env }) => {
    test("fails no check without an exception of its tier, but for the open findings listed", () => {
      const failures = assess(variantStacks[env.name], env.tier).failed.flatMap((f) =>
        f.addresses.map((address) => `${idsOf(f.check)} on ${address}`),
      );
      expect(failures).toEqual(OPEN_VARIANT_FINDINGS[env.name] ?? []);
    });
  },
);

describe("development exceptions", () => {
  test.each(DEVELOPMENT_EXCEPTIONS.map((exception) => ({ exception, label: `${exception.checkId} on ${exception.resourceType}` })))(
    "$label fails in every development environment and passes in production",
    ({ exception }) => {
      expect(checkOf(exception)).toBeDefined();
      for (const env of development) {
        const outcomes = coveredOutcomes(stacks[env.name], exception);
        expect({ env: env.name, covered: outcomes.length > 0 }).toEqual({ env: env.name, covered: true });
        expect({ env: env.name, passing: outcomes.filter((o) => o.passed).map((o) => o.located.address) }).toEqual({
          env: env.name,
          passing: [],
        });
      }
      for (const env of production) {
        const outcomes = coveredOutcomes(stacks[env.name], exception);
        expect({ env: env.name, covered: outcomes.length > 0 }).toEqual({ env: env.name, covered: true });
        expect({ env: env.name, failing: outcomes.filter((o) => !o.passed).map((o) => o.located.address) }).toEqual({
          env: env.name,
          failing: [],
        });
      }
    },
  );

  test("are not also listed as not applicable", () => {
    const overlapping = DEVELOPMENT_EXCEPTIONS.filter((d) => NOT_APPLICABLE.some((n) => checkOf(n) === checkOf(d))).map(
      (d) => `${d.checkId} on ${d.resourceType}`,
    );
    expect(overlapping).toEqual([]);
  });
});

describe("not-applicable checks", () => {
  test.each(NOT_APPLICABLE.map((exception) => ({ exception, label: `${exception.checkId} on ${exception.resourceType}` })))(
    "$label still fails wherever it covers a resource",
    ({ exception }) => {
      expect(checkOf(exception)).toBeDefined();
      const outcomes = environments.flatMap((env) => coveredOutcomes(stacks[env.name], exception));
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.passed).map((o) => o.located.address)).toEqual([]);
    },
  );
});

describe.each([
  ["development", DEVELOPMENT_EXCEPTIONS],
  ["not-applicable", NOT_APPLICABLE],
] as const)("%s exceptions", (_kind, exceptions) => {
  test("name each check once, so each accepted failure is reported once", () => {
    const checks = exceptions.map(checkOf);
    expect(exceptions.filter((_e, i) => checks.indexOf(checks[i]) !== i).map((e) => e.checkId)).toEqual([]);
  });
});

describe("the assessment the review page reports", () => {
  test.each(environments.map((env) => env.name))("%s: every applicable check is passed, excepted or failed", (name) => {
    const { passed, excepted, failed } = assessments[name];
    const judged = new Set([...passed, ...excepted, ...failed].map((r) => r.check));
    const applicable = CHECKS.filter((check) => evaluate(stacks[name], check).length > 0);
    expect(applicable.filter((check) => !judged.has(check)).map(idsOf)).toEqual([]);
    expect(passed.filter((r) => !applicable.includes(r.check)).map((r) => idsOf(r.check))).toEqual([]);
  });

  test("dev's exceptions are reported with the resources they excuse", () => {
    const rds = assessments.dev.excepted.find((e) => e.exception.checkId === "CKV_AWS_157");
    expect(rds?.addresses).toEqual(Object.keys(stacks.dev.resource.aws_db_instance).map((n) => `aws_db_instance.${n}`));
    expect(rds?.check.ids.map(({ id }) => id)).toEqual(["CKV_AWS_157", "FSBP RDS.5"]);
  });
});

describe("key/value secrets: rotated, or not and the environment says why", () => {
  const ROTATION_CHECKS = ["CKV2_AWS_57", "FSBP SecretsManager.1", "FSBP SecretsManager.4"];
  const KEY_VALUE_SECRET = "aws_secretsmanager_secret.key_value_secret_0";
  const rotationResults = <T extends CheckResult>(results: readonly T[]): T[] =>
    results.filter((r) => r.check.ids.some(({ id }) => ROTATION_CHECKS.includes(id)) && r.addresses.includes(KEY_VALUE_SECRET));

  test.each(environments.map((env) => ({ name: env.name, env })))("$name: the rotation checks accept its reason, for that secret alone", ({ env }) => {
    const excepted = rotationResults(assessments[env.name].excepted);
    const reason = env.keyValueSecrets?.[0].rotation?.kind === "none" ? env.keyValueSecrets[0].rotation.reason : undefined;
    expect(reason).toBeDefined();
    expect(excepted.map((e) => [e.check.ids[0].id, e.addresses, e.exception.reason])).toEqual(
      ROTATION_CHECKS.map((id) => [id, [KEY_VALUE_SECRET], `Not rotated, as the environment states: ${reason}.`]),
    );
  });

  test("without a reason, a key/value secret fails the rotation checks, in development too", async () => {
    const unexplained = { ...dev, name: "unexplained", keyValueSecrets: dev.keyValueSecrets!.map(({ rotation: _, ...secret }) => secret) };
    const { stacks: synthesized } = await synthEnvironments([unexplained]);
    const failed = rotationResults(assess(synthesized.unexplained, "development").failed);
    expect(failed.map((f) => f.check.ids[0].id)).toEqual(ROTATION_CHECKS);
  });

  test("rotated by a function of its own, it passes them", () => {
    const passed = rotationResults(assess(variantStacks.existing, "production").passed);
    expect(passed.map((p) => p.check.ids[0].id)).toEqual(ROTATION_CHECKS);
  });
});

describe("coverage", () => {
  test("every resource type in a stack, the variants' included, is inspected by a check or listed with a reason", () => {
    const present = new Set([...Object.values(stacks), ...Object.values(variantStacks)].flatMap(resourceTypes));
    expect([...present]).toEqual(expect.arrayContaining(["aws_eip", "aws_internet_gateway", "aws_nat_gateway", "aws_route", "aws_rds_cluster"]));
    const uncovered = [...present].filter(
      (type) => !CHECKS.some((c) => c.resourceType === type) && !(type in TYPES_WITHOUT_CHECKS),
    );
    expect(uncovered.sort()).toEqual([]);
  });

  test("types listed without checks really have no check", () => {
    const contradicting = Object.keys(TYPES_WITHOUT_CHECKS).filter((type) => CHECKS.some((c) => c.resourceType === type));
    expect(contradicting).toEqual([]);
  });

  test("check ids are unique per resource type", () => {
    const keys = CHECKS.flatMap((c) => c.ids.map(({ id }) => `${id} ${c.resourceType}`));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
