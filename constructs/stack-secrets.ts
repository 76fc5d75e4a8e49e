import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

/** What a rotation function's role reaches by pattern: see {@link StackSecrets}. */
export interface SecretReach {
  /** Name of the function, for messages. */
  readonly functionName: string;
  /** Whether the function rotates the secret (it is bound to it). */
  rotates(secretName: string): boolean;
  /** The role's pattern that reaches the secret, if any. */
  patternCovering(secretName: string): string | undefined;
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

  /**
   * Secrets of the stack that a function's role reaches without rotating them, each with
   * the function and its pattern.
   */
  public overreach(): { secretName: string; reach: SecretReach; pattern: string }[] {
    const found = [];
    for (const reach of this.reaches) {
      for (const secretName of this.names) {
        const pattern = reach.rotates(secretName) ? undefined : reach.patternCovering(secretName);
        if (pattern !== undefined) found.push({ secretName, reach, pattern });
      }
    }
    return found;
  }
}
