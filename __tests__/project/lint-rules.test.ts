import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

type Finding = { ruleId: string; message: string };

/**
 * ESLint's findings (rule ids, and the configuration's own messages) for each file, given
 * as `[filename, code]`: one child process lints them all through ESLint's API, with the
 * project's configuration (an ES module, which jest's module system cannot load).
 */
function lintAll(files: readonly (readonly [string, string])[]): Finding[][] {
  const script = `
    import { ESLint } from "eslint";
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    const eslint = new ESLint();
    const findings = [];
    for (const [filePath, code] of JSON.parse(input)) {
      const [result] = await eslint.lintText(code, { filePath });
      findings.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
    }
    process.stdout.write(JSON.stringify(findings));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: ROOT,
    input: JSON.stringify(files),
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Finding[][];
}

/** One file that imports `specifier` and uses what it imports. */
const importing = (specifier: string) => `import * as imported from "${specifier}";\nexport const x = imported;\n`;

describe("the lint configuration", () => {
  const packageRoot = ["@cdktf", "provider-aws"].join("/"); // spelled apart so a grep for barrel imports skips this file
  const resourceModule = "@cdktf/provider-aws/lib/db-instance";
  const barrelImporters = ["constructs/example.ts", "stacks/example.ts", "main.ts", "scripts/example.ts"];

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
    // The infrastructure package ships the function prebuilt, and no tool.
    ["packages/infrastructure/example.ts", "../../lambda/index"],
    ["packages/infrastructure/example.ts", "../../client"],
    ["packages/infrastructure/example.ts", "../../scripts/rotation-bundle"],
  ];

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
    ["packages/infrastructure/example.ts", "../../stacks/secrets-rotation-stack"],
    ["packages/infrastructure/example.ts", "../../review/stack-directories"],
    // A name that merely starts like a layer is not that layer.
    ["constructs/example.ts", "./client-options"],
  ];

  /** Findings by file and imported specifier, for every case above, from one ESLint run. */
  let findings: Map<string, Finding[]>;
  const key = (filename: string, specifier: string): string => `${filename} imports ${specifier}`;
  beforeAll(() => {
    const cases: (readonly [string, string])[] = [
      ...barrelImporters.map((filename) => [filename, packageRoot] as const),
      ["constructs/example.ts", resourceModule],
      ...forbidden,
      ...allowed,
    ];
    const results = lintAll(cases.map(([filename, specifier]) => [filename, importing(specifier)]));
    findings = new Map(cases.map(([filename, specifier], i) => [key(filename, specifier), results[i]]));
  }, 60_000);
  const lint = (filename: string, specifier: string): Finding[] => findings.get(key(filename, specifier))!;

  test.each(barrelImporters)("refuses the provider package's root in %s, which loads every resource (seconds per process)", (filename) => {
    const found = lint(filename, packageRoot);
    expect(found).toHaveLength(1);
    expect(found[0].ruleId).toBe("no-restricted-imports");
    expect(found[0].message).toContain("Import the resource module instead: @cdktf/provider-aws/lib/<resource>.");
  });

  test("accepts a resource module", () => {
    expect(lint("constructs/example.ts", resourceModule)).toEqual([]);
  });

  test.each(forbidden)("refuses in %s an import of %s, a layer it must not reach", (filename, specifier) => {
    const found = lint(filename, specifier);
    const layer = filename.split("/")[0];
    expect(found).toHaveLength(1);
    expect(found[0].ruleId).toBe("no-restricted-imports");
    expect(found[0].message).toContain(`${layer}/ must not import`);
    expect(found[0].message).toContain("layers point one way");
  });

  test.each(allowed)("accepts in %s an import of %s", (filename, specifier) => {
    expect(lint(filename, specifier)).toEqual([]);
  });
});
