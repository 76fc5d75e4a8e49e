/**
 * The synthesized stacks against Checkov's and Security Hub's checks (checks.ts).
 *
 * - A production environment passes every check, except the few that do not apply to
 *   this design at all (NOT_APPLICABLE).
 * - A development environment passes every check except its listed exceptions
 *   (DEVELOPMENT_EXCEPTIONS); each exception must still fail in development and pass in
 *   production, and each not-applicable entry must still fail somewhere, so neither list
 *   can go stale.
 * - Every resource type in a stack is inspected by at least one check, or is listed in
 *   TYPES_WITHOUT_CHECKS with the reason.
 *
 * One test per environment and check; a failure lists the addresses of the failing
 * resources.
 */
import { environments } from "../../main";
import type { EnvironmentConfig } from "../../environments/types";
import { synthEnvironments, type StackJson } from "../support/synth";
import { CHECKS, TYPES_WITHOUT_CHECKS, type SecurityCheck } from "./checks";
import { evaluate, covers, unexcusedFailures, type Outcome } from "./evaluate";
import { DEVELOPMENT_EXCEPTIONS, NOT_APPLICABLE, type CheckException } from "./exceptions";
import { resourceTypes } from "./terraform-json";

let stacks: Record<string, StackJson>;

beforeAll(async () => {
  stacks = (await synthEnvironments()).stacks;
});

const development = environments.filter((e) => e.tier === "development");
const production = environments.filter((e) => e.tier === "production");

/** The exceptions an environment's tier is allowed. */
function allowedFailures(env: EnvironmentConfig): readonly CheckException[] {
  return env.tier === "development" ? [...NOT_APPLICABLE, ...DEVELOPMENT_EXCEPTIONS] : NOT_APPLICABLE;
}

/** The catalogue check an exception names (undefined if it names none). */
function checkOf(exception: CheckException): SecurityCheck | undefined {
  return CHECKS.find((c) => c.id === exception.checkId && c.resourceType === exception.resourceType);
}

/** Outcomes of the exception's check on the resources the exception covers. */
function coveredOutcomes(stack: StackJson, exception: CheckException): Outcome[] {
  const check = checkOf(exception);
  return check ? evaluate(stack, check).filter((o) => covers(exception, check, o.located)) : [];
}

const label = (c: SecurityCheck): string => `${c.id} on ${c.resourceType}: ${c.title}`;

describe.each(environments.map((env) => ({ name: `${env.name} (${env.tier})`, env })))("$name", ({ env }) => {
  test.each(CHECKS.map((check) => ({ check, label: label(check) })))("$label", ({ check }) => {
    expect(unexcusedFailures(stacks[env.name], check, allowedFailures(env))).toEqual([]);
  });
});

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
    const overlapping = DEVELOPMENT_EXCEPTIONS.filter((d) =>
      NOT_APPLICABLE.some((n) => n.checkId === d.checkId && n.resourceType === d.resourceType),
    ).map((d) => `${d.checkId} on ${d.resourceType}`);
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

describe("coverage", () => {
  test("every resource type in a stack is inspected by a check or listed with a reason", () => {
    const present = new Set(environments.flatMap((env) => resourceTypes(stacks[env.name])));
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
    const keys = CHECKS.map((c) => `${c.id} ${c.resourceType}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
