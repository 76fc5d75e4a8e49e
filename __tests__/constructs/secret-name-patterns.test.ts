import { exactSecretPattern, patternCoversSecret, SecretNamePatterns } from "../../constructs/secret-name-patterns";

describe("SecretNamePatterns", () => {
  const patterns = (...names: string[]) => new SecretNamePatterns(names).patterns();

  test("one pattern per name path: the names' common start, or the exact name when alone or sharing nothing", () => {
    expect(patterns("app/users/u001", "app/users/u002", "app/users/u150")).toEqual(["app/users/u*"]);
    expect(patterns("app/users/u001", "app/other/x")).toEqual(["app/other/x-??????", "app/users/u001-??????"]);
    expect(patterns("alpha", "beta")).toEqual(["alpha-??????", "beta-??????"]);
    expect(patterns("app/a", "app/b")).toEqual(["app/*"]);
  });

  test("as many patterns for 250 secrets in one path as for two", () => {
    const names = Array.from({ length: 250 }, (_, i) => `services/payments/user-${String(i + 1).padStart(3, "0")}`);
    expect(patterns(...names)).toEqual(["services/payments/user-*"]);
  });

  test("tells which patterns a new name would add, without adding it", () => {
    const set = new SecretNamePatterns(["app/users/u001", "app/users/u002"]);
    expect(set.patternsAddedBy("app/users/u010")).toEqual(["app/users/u0*"]);
    expect(set.patternsAddedBy("app/users/u003")).toEqual([]);
    expect(set.patternsAddedBy("app/users/u001")).toEqual([]);
    expect(set.patternsAddedBy("app/admins/a")).toEqual(["app/admins/a-??????"]);
    expect(set.patterns()).toEqual(["app/users/u00*"]);
  });
});

describe("patternCoversSecret", () => {
  test("the exact pattern reaches its secret and no other, whatever its name", () => {
    const exact = exactSecretPattern("app/a");
    expect(patternCoversSecret(exact, "app/a")).toBe(true);
    for (const other of ["app/ab", "app/a-x", "app/a/b", "app", "xapp/a"]) expect(patternCoversSecret(exact, other)).toBe(false);
  });

  test("* reaches across paths, and special characters of names match literally", () => {
    expect(patternCoversSecret("app/u*", "app/u1/deeper")).toBe(true);
    expect(patternCoversSecret("app/u*", "app/v1")).toBe(false);
    expect(patternCoversSecret("a.b+c*", "a.b+c=1")).toBe(true);
    expect(patternCoversSecret("a.b+c*", "aXb+c")).toBe(false);
  });
});
