import * as path from "node:path";
import ts from "typescript";
import { keepPropertyDocs } from "./declaration-docs";

/** What a package's compilation wrote. */
export interface CompiledPackage {
  /** Every file written (JavaScript and declarations), absolute. */
  readonly files: readonly string[];
}

/**
 * Compiles a package's entry, and every project file it imports, to CommonJS with
 * declarations: `<root>/<path>.ts` becomes `<libDir>/<path>.js` and `.d.ts`. The options are
 * the project's own (tsconfig.json), so the package is the code the tests type-check; no
 * source maps, whose paths would point at files the package does not ship.
 *
 * @throws Error listing every type error, before anything is written
 */
export function compilePackage(root: string, entry: string, libDir: string): CompiledPackage {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  })!;
  const program = ts.createProgram([path.join(root, entry)], {
    ...config.options,
    noEmit: false,
    declaration: true,
    rootDir: root,
    outDir: libDir,
    // The jest types the tests need are no part of a package.
    types: ["node"],
  });
  const errors = ts.getPreEmitDiagnostics(program);
  if (errors.length > 0) throw new Error(`${entry} does not compile:\n${formatDiagnostics(root, errors)}`);
  const files: string[] = [];
  const emitted = program.emit(
    undefined,
    (file, text) => {
      ts.sys.writeFile(file, text);
      files.push(file);
    },
    undefined,
    false,
    { afterDeclarations: [keepPropertyDocs(program)] },
  );
  if (emitted.diagnostics.length > 0) throw new Error(`${entry} did not emit:\n${formatDiagnostics(root, emitted.diagnostics)}`);
  return { files: files.sort() };
}

function formatDiagnostics(root: string, diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  });
}
