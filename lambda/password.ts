import { randomInt } from "node:crypto";

/** How passwords are generated: the parameters GetRandomPassword would take, with IncludeSpace false and RequireEachIncludedType true. */
export interface PasswordPolicy {
  /** Number of characters. */
  readonly length: number;
  /** Characters never used. */
  readonly excludeCharacters: string;
}

/** The character types of GetRandomPassword, before exclusions: a password holds at least one of each type left. */
const CHARACTER_TYPES = [
  "abcdefghijklmnopqrstuvwxyz",
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  "0123456789",
  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
] as const;

/** The types left once `excludeCharacters` is removed; empty types are dropped. */
export function characterTypes(policy: PasswordPolicy): string[] {
  const excluded = new Set(policy.excludeCharacters);
  return CHARACTER_TYPES.map((type) => [...type].filter((c) => !excluded.has(c)).join("")).filter((type) => type !== "");
}

/** Why the policy cannot generate a password, or undefined. */
export function policyProblem(policy: PasswordPolicy): string | undefined {
  const types = characterTypes(policy);
  if (types.length === 0) return "EXCLUDE_CHARACTERS excludes every character";
  if (types.length > policy.length) return `PASSWORD_LENGTH ${policy.length} cannot hold one character of each of ${types.length} types`;
  return undefined;
}

/**
 * A password as GetRandomPassword generates it, from node:crypto's CSPRNG: `length`
 * characters, uniform over the allowed ones, with at least one of each character type
 * left after the exclusions (those positions are then shuffled in uniformly), and no
 * space. Generating locally saves a Secrets Manager call per rotation and the IAM
 * action on `*` that GetRandomPassword needs.
 */
export function generatePassword(policy: PasswordPolicy): string {
  const types = characterTypes(policy);
  const all = types.join("");
  const pick = (chars: string) => chars[randomInt(chars.length)];
  const chars = [...types.map(pick), ...Array.from({ length: policy.length - types.length }, () => pick(all))];
  // Fisher–Yates with the CSPRNG: the required characters end up anywhere.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}
