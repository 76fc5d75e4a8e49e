import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { SecretNamePatterns } from "./secret-name-patterns";
import { show } from "./validation";

/** What a rotation function's role reaches by pattern: the names of the secrets it rotates. */
export interface SecretReach {
  /** Name of the function, for messages. */
  readonly functionName: string;
  /** The secrets the function rotates, and the patterns its role reaches them by. */
  readonly secretNames: SecretNamePatterns;
}

/** A secret that a function's role reaches without rotating it. */
export interface Overreach {
  readonly secretName: string;
  readonly reach: SecretReach;
  /** The role's pattern that reaches the secret. */
  readonly pattern: string;
}

/**
 * The secrets among `secretNames` that a function's role reaches by pattern without
 * rotating them: what must not exist, since a role would then read and write a secret
 * that is not its function's.
 */
export function overreach(reaches: Iterable<SecretReach>, secretNames: Iterable<string>): Overreach[] {
  const names = [...secretNames];
  const found: Overreach[] = [];
  for (const reach of reaches) {
    for (const secretName of names) {
      const pattern = reach.secretNames.has(secretName) ? undefined : reach.secretNames.patternCovering(secretName);
      if (pattern !== undefined) found.push({ secretName, reach, pattern });
    }
  }
  return found;
}

/** The problem of a secret's name that another function's pattern reaches, in the form of the other checks. */
export function reachedSecretProblem({ secretName, reach, pattern }: Overreach): string {
  return (
    `is ${show(secretName)}, which the ARN pattern ${show(pattern)} of rotation function ${reach.functionName} reaches; ` +
    "allowed: a name outside the name paths and name starts of the secrets that function rotates"
  );
}

const registries = new WeakMap<TerraformStack, StackSecrets>();

/**
 * The secrets of a stack, by name, and the reach of its rotation functions: a role that
 * reaches its secrets by name pattern must reach no other secret of the stack.
 */
export class StackSecrets {
  /** The stack's registry, created on first use. */
  public static of(scope: IConstruct): StackSecrets {
    const stack = TerraformStack.of(scope);
    let registry = registries.get(stack);
    if (registry === undefined) {
      registry = new StackSecrets();
      registries.set(stack, registry);
    }
    return registry;
  }

  /** Names of every secret created in the stack. */
  public readonly names = new Set<string>();
  /** The rotation functions of the stack. */
  public readonly reaches = new Set<SecretReach>();

  private constructor() {}

  /** Secrets of the stack that a function's role reaches without rotating them. */
  public overreach(): Overreach[] {
    return overreach(this.reaches, this.names);
  }
}
