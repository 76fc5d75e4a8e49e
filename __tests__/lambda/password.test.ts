import { DEFAULT_EXCLUDE_CHARACTERS } from "../../lambda/config";
import { characterTypes, generatePassword, policyProblem } from "../../lambda/password";

describe("passwords generated with node:crypto, as GetRandomPassword would", () => {
  test("the default policy: 32 characters of letters, digits and - . _, each type present, no space", () => {
    const policy = { length: 32, excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS };
    expect(characterTypes(policy)).toEqual(["abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "-._"]);
    const passwords = Array.from({ length: 500 }, () => generatePassword(policy));
    for (const password of passwords) {
      expect(password).toMatch(/^[A-Za-z0-9._-]{32}$/);
      for (const type of [/[a-z]/, /[A-Z]/, /[0-9]/, /[._-]/]) expect(password).toMatch(type);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  test("every allowed character turns up, the first position included (a uniform shuffle)", () => {
    const policy = { length: 16, excludeCharacters: "" };
    const allowed = characterTypes(policy).join("");
    const counts = new Map<string, number>();
    const firsts = new Map<string, number>();
    const samples = 6000;
    for (let i = 0; i < samples; i++) {
      const password = generatePassword(policy);
      for (const c of password) counts.set(c, (counts.get(c) ?? 0) + 1);
      firsts.set(password[0], (firsts.get(password[0]) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...allowed].sort());
    expect(allowed).not.toContain(" ");
    // Each of the 94 characters is the first one about 64 times in 6000; 20 would be a broken shuffle.
    for (const c of allowed) expect(firsts.get(c) ?? 0).toBeGreaterThan(20);
  });

  test("excluded characters never appear; an exclusion that empties a type drops that type", () => {
    const policy = { length: 20, excludeCharacters: `${DEFAULT_EXCLUDE_CHARACTERS}-._0123456789` };
    expect(characterTypes(policy)).toHaveLength(2);
    for (let i = 0; i < 200; i++) expect(generatePassword(policy)).toMatch(/^(?=.*[a-z])(?=.*[A-Z])[A-Za-z]{20}$/);
  });

  test.each([
    [{ length: 16, excludeCharacters: characterTypes({ length: 1, excludeCharacters: "" }).join("") }, "EXCLUDE_CHARACTERS excludes every character"],
    [{ length: 3, excludeCharacters: "" }, "PASSWORD_LENGTH 3 cannot hold one character of each of 4 types"],
  ])("a policy that cannot be met is refused: %j", (policy, problem) => {
    expect(policyProblem(policy)).toBe(problem);
  });
});
