/** Running the catalogue's checks over a synthesized stack, and matching results to exceptions. */
import { CHECKS, type SecurityCheck } from "./checks";
import { acceptedFailures, type CheckException, type Tier } from "./exceptions";
import { resourcesOfType, type Located, type StackJson } from "../terraform-json";

/** The result of one check on one resource it applies to. */
export interface Outcome {
  readonly check: SecurityCheck;
  readonly located: Located;
  readonly passed: boolean;
}

/** The check's result on every resource of its type that it applies to. */
export function evaluate(stack: StackJson, check: SecurityCheck): Outcome[] {
  return resourcesOfType(stack, check.resourceType)
    .filter((located) => check.applies?.(located.resource, stack, located) ?? true)
    .map((located) => ({ check, located, passed: check.passes(located.resource, stack, located) }));
}

/** Whether an exception covers this check on this resource. */
export function covers(exception: CheckException, check: SecurityCheck, located: Located): boolean {
  return (
    check.ids.some(({ id }) => id === exception.checkId) &&
    exception.resourceType === located.type &&
    (exception.address?.test(located.address) ?? true)
  );
}

/** A check with the addresses it concerns. */
export interface CheckResult {
  readonly check: SecurityCheck;
  /** `<type>.<name>` of the resources, in the stack's order. */
  readonly addresses: readonly string[];
}

/** The catalogue's verdict on one stack, as the review page reports it. */
export interface SecurityAssessment {
  /** Checks that apply to at least one resource and pass on every one. */
  readonly passed: readonly CheckResult[];
  /** Accepted failures: each exception with the resources it excuses. */
  readonly excepted: readonly (CheckResult & { readonly exception: CheckException })[];
  /** Failures no exception covers. */
  readonly failed: readonly CheckResult[];
}

/** Every catalogue check on the stack, judged with the exceptions of the environment's tier. */
export function assess(stack: StackJson, tier: Tier): SecurityAssessment {
  const exceptions = acceptedFailures(tier, stack);
  const passed: CheckResult[] = [];
  const excepted: (CheckResult & { exception: CheckException })[] = [];
  const failed: CheckResult[] = [];
  for (const check of CHECKS) {
    const outcomes = evaluate(stack, check);
    if (outcomes.length === 0) continue;
    const failures = outcomes.filter((o) => !o.passed);
    if (failures.length === 0) {
      passed.push({ check, addresses: outcomes.map((o) => o.located.address) });
      continue;
    }
    for (const exception of exceptions) {
      const addresses = failures.filter((o) => covers(exception, check, o.located)).map((o) => o.located.address);
      if (addresses.length > 0) excepted.push({ check, exception, addresses });
    }
    const unexcused = failures.filter((o) => !exceptions.some((e) => covers(e, check, o.located)));
    if (unexcused.length > 0) failed.push({ check, addresses: unexcused.map((o) => o.located.address) });
  }
  return { passed, excepted, failed };
}
