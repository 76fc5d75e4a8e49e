import { readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { diagram } from "../../review/diagram";
import { synthEnvironments } from "../support/synth";

const ROOT = path.resolve(__dirname, "..", "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** A fenced block of the README: its language, the file it stands for (`title="..."`), its code and first line. */
interface Block {
  readonly language: string;
  readonly title: string | undefined;
  readonly code: string;
  readonly line: number;
}

function fencedBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w+)(?: title="([^"]+)")?\n([\s\S]*?)^```$/gm)].map((m) => ({
    language: m[1],
    title: m[2],
    code: m[3],
    line: markdown.slice(0, m.index).split("\n").length + 1,
  }));
}

/**
 * Type-checks source files that exist only in memory, placed in the project (so `./types`
 * and `./dev` resolve as they would for a reader who copies them), under the project's
 * tsconfig.json. Returns each error as `<file>:<line>: <message>`.
 */
function typeCheck(files: ReadonlyMap<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  })!;
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists(file);
  host.readFile = (file) => files.get(file) ?? readFile(file);
  host.getSourceFile = (file, languageVersion, ...rest) =>
    files.has(file) ? ts.createSourceFile(file, files.get(file)!, languageVersion, true) : getSourceFile(file, languageVersion, ...rest);
  const program = ts.createProgram([...files.keys()], config.options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${path.relative(ROOT, d.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
}

/** A block that shows a file of examples/: another project's code, which names the packages rather than this repository's files. */
const isExample = (b: Block) => b.title?.startsWith("examples/") === true;

describe("README", () => {
  const typescript = fencedBlocks(README).filter((b) => b.language === "ts" || b.language === "typescript");

  test("has TypeScript blocks: the environment example, the example app, the client sample, the SQS loop", () => {
    expect(typescript.filter((b) => !isExample(b)).length).toBeGreaterThanOrEqual(1);
    expect(typescript.filter(isExample).length).toBeGreaterThanOrEqual(3);
  });

  test("its TypeScript blocks compile as written, under the project's tsconfig", () => {
    // Each block is its own module, at the path its title names or beside the README.
    const files = new Map(
      typescript.filter((b) => !isExample(b)).map((b) => [path.join(ROOT, b.title ?? `README.md.line-${b.line}.ts`), b.code] as const),
    );
    expect(typeCheck(files)).toEqual([]);
  }, 60_000);

  // The examples compile where the packages are installed (__tests__/integration/packages.test.ts).
  test("a block titled with a file of examples/ is that file, as it is", () => {
    for (const block of typescript.filter(isExample)) {
      expect({ file: block.title, code: block.code }).toEqual({
        file: block.title,
        code: readFileSync(path.join(ROOT, block.title!), "utf8"),
      });
    }
  });

  test("the type check catches what does not compile: an undefined name and a top-level await", () => {
    const files = new Map([[path.join(ROOT, "README.md.broken.ts"), 'export const x = await fetch(undefinedName);\n']]);
    const errors = typeCheck(files);
    expect(errors.some((e) => e.includes("undefinedName"))).toBe(true);
    expect(errors.some((e) => /top-level 'await'/i.test(e))).toBe(true);
  }, 60_000);

  test("shows dev's diagram as the synth generates it", async () => {
    const { stacks } = await synthEnvironments();
    const mermaid = fencedBlocks(README).filter((b) => b.language === "mermaid");
    expect(mermaid.map((b) => b.code)).toEqual([`${diagram(stacks.dev)}\n`]);
  });
});
