import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * ESLint's findings (rule ids, and the configuration's own messages) for `code` as if it
 * were the file `filename`. Run as the CLI: the configuration is an ES module, which
 * jest's module system cannot load.
 */
function lint(code: string, filename = "constructs/example.ts"): { ruleId: string; message: string }[] {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "eslint", "bin", "eslint.js"), "--stdin", "--stdin-filename", filename, "--format", "json"],
    { cwd: ROOT, input: code, encoding: "utf8" },
  );
  expect(result.stderr).toBe("");
  const [file] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return file.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** One file that imports `specifier` and uses what it imports. */
const importing = (specifier: string) => `import * as imported from "${specifier}";\nexport const x = imported;\n`;

describe("the lint configuration", () => {
  const packageRoot = ["@cdktf", "provider-aws"].join("/"); // spelled apart so a grep for barrel imports skips this file

  test.each(["constructs/example.ts", "stacks/example.ts", "main.ts", "scripts/example.ts"])(
    "refuses the provider package's root in %s, which loads every resource (seconds per process)",
    (filename) => {
      const findings = lint(importing(packageRoot), filename);
      expect(findings).toHaveLength(1);
      expect(findings[0].ruleId).toBe("no-restricted-imports");
      expect(findings[0].message).toContain("Import the resource module instead: @cdktf/provider-aws/lib/<resource>.");
    },
    30_000,
  );

  test("accepts a resource module", () => {
    expect(lint(importing("@cdktf/provider-aws/lib/db-instance"))).toEqual([]);
  }, 30_000);

  // Layers point one way: main.ts → stacks/ → environments/ → constructs/ → shared/, and
  // lambda/, client/ and review/ beside them, sharing only shared/.
  const forbidden: readonly (readonly [string, string])[] = [
    ["shared/example.ts", "../lambda/rotation"],
    ["shared/example.ts", "../client"],
    ["shared/example.ts", "../constructs/database"],
    ["lambda/example.ts", "../client/driver-config"],
    ["lambda/engines/example.ts", "../../client/driver-config"],
    ["lambda/example.ts", "../constructs/rotation-function"],
    ["lambda/example.ts", "../environments/types"],
    ["lambda/example.ts", "../stacks/secrets-rotation-stack"],
    ["lambda/example.ts", "../scripts/build-lambda"],
    ["client/example.ts", "../lambda/secret-value"],
    ["client/example.ts", "../constructs/database"],
    ["client/example.ts", "../environments"],
    ["constructs/example.ts", "../environments/types"],
    ["constructs/example.ts", "../stacks/secrets-rotation-stack"],
    ["constructs/example.ts", "../scripts/rotation-bundle"],
    ["constructs/example.ts", "../lambda/config"],
    ["constructs/example.ts", "../client/secret-cache"],
    ["constructs/example.ts", "../main"],
    ["environments/example.ts", "../stacks/secrets-rotation-stack"],
    ["environments/example.ts", "../scripts/rotation-bundle"],
    ["environments/example.ts", "../main.ts"],
    ["stacks/example.ts", "../scripts/rotation-bundle"],
    ["stacks/example.ts", "../lambda/index"],
    ["stacks/example.ts", "../review/review-page"],
    ["constructs/example.ts", "../review/security/checks"],
    // review/ reads the synthesized output: it builds nothing and calls no construct.
    ["review/example.ts", "../constructs/database"],
    ["review/security/example.ts", "../../constructs/network"],
    ["review/example.ts", "../environments/types"],
    ["review/example.ts", "../stacks/secrets-rotation-stack"],
    ["review/example.ts", "../client/cost-model"],
    ["review/example.ts", "../main"],
  ];
  test.each(forbidden)("refuses in %s an import of %s, a layer it must not reach", (filename, specifier) => {
    const findings = lint(importing(specifier), filename);
    const layer = filename.split("/")[0];
    expect(findings).toHaveLength(1);
    expect(findings[0].ruleId).toBe("no-restricted-imports");
    expect(findings[0].message).toContain(`${layer}/ must not import`);
    expect(findings[0].message).toContain("layers point one way");
  }, 30_000);

  const allowed: readonly (readonly [string, string])[] = [
    ["lambda/example.ts", "../shared/secret-contract"],
    ["lambda/engines/example.ts", "../../shared/tls-socket"],
    ["lambda/steps/example.ts", "../secrets"],
    ["client/example.ts", "../shared/secret-json"],
    ["constructs/example.ts", "../shared/secret-contract"],
    ["constructs/example.ts", "./validation"],
    ["environments/example.ts", "../constructs/database"],
    ["stacks/example.ts", "../environments/types"],
    ["stacks/example.ts", "../constructs/network"],
    ["main.ts", "./stacks/secrets-rotation-stack"],
    ["main.ts", "./review/review-page"],
    ["review/example.ts", "./security/evaluate"],
    ["review/security/example.ts", "../terraform-json"],
    ["review/example.ts", "../shared/secret-contract"],
    ["scripts/example.ts", "../lambda/index"],
    // A name that merely starts like a layer is not that layer.
    ["constructs/example.ts", "./client-options"],
  ];
  test.each(allowed)("accepts in %s an import of %s", (filename, specifier) => {
    expect(lint(importing(specifier), filename)).toEqual([]);
  }, 30_000);
});
