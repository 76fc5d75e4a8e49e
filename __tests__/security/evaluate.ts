/** Running the catalogue's checks over a synthesized stack, and matching results to exceptions. */
import type { StackJson } from "../support/synth";
import type { SecurityCheck } from "./checks";
import type { CheckException } from "./exceptions";
import { resourcesOfType, type Located } from "./terraform-json";

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
    exception.checkId === check.id &&
    exception.resourceType === located.type &&
    (exception.address?.test(located.address) ?? true)
  );
}

/** The failures of a check on a stack that none of the exceptions covers, as addresses. */
export function unexcusedFailures(stack: StackJson, check: SecurityCheck, exceptions: readonly CheckException[]): string[] {
  return evaluate(stack, check)
    .filter((o) => !o.passed && !exceptions.some((e) => covers(e, check, o.located)))
    .map((o) => o.located.address);
}
