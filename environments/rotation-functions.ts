import type { RotationStrategy } from "../shared/secret-contract";

/**
 * Name of an environment's rotation function for one strategy, `<env>-rotate-<strategy>`
 * (at most 45 characters): also the name of its execution role and security group, and in
 * its log group's.
 */
export function rotationFunctionName(environmentName: string, strategy: RotationStrategy): string {
  return `${environmentName}-rotate-${strategy}`;
}
