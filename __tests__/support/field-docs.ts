import * as path from "node:path";
import ts from "typescript";

/**
 * What an editor shows on each field of an object literal that a file exports as
 * `variable`: the documentation (text and tags) of every property, nested objects and
 * objects in arrays included, by path (`database.backupRetentionDays`,
 * `databaseUsers[0].username`). It asks TypeScript's language service, as an editor does,
 * in the project of `tsconfigPath`; `overrides` are files that exist only in memory.
 */
export function fieldDocs(
  tsconfigPath: string,
  fileName: string,
  variable: string,
  overrides: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  })!;
  const read = (file: string) => overrides.get(file) ?? ts.sys.readFile(file);
  const service = ts.createLanguageService({
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      const text = read(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => path.dirname(tsconfigPath),
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (file) => overrides.has(file) || ts.sys.fileExists(file),
    readFile: read,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
  const source = service.getProgram()!.getSourceFile(fileName)!;
  const declaration = source.statements
    .filter(ts.isVariableStatement)
    .flatMap((statement) => [...statement.declarationList.declarations])
    .find((d) => ts.isIdentifier(d.name) && d.name.text === variable);
  if (declaration?.initializer === undefined || !ts.isObjectLiteralExpression(declaration.initializer)) {
    throw new Error(`${fileName} does not declare ${variable} as an object literal`);
  }

  const docs = new Map<string, string>();
  const walk = (node: ts.Expression, at: string): void => {
    if (ts.isArrayLiteralExpression(node)) {
      node.elements.forEach((element, i) => walk(element, `${at}[${i}]`));
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
        const fieldPath = at === "" ? property.name.text : `${at}.${property.name.text}`;
        const info = service.getQuickInfoAtPosition(fileName, property.name.getStart(source));
        const text = words(info?.documentation);
        const tags = (info?.tags ?? []).map((tag) => `@${tag.name} ${words(tag.text)}`.trim());
        docs.set(fieldPath, [text, ...tags].filter((part) => part !== "").join("\n"));
        walk(property.initializer, fieldPath);
      }
    }
  };
  walk(declaration.initializer, "");
  return docs;
}

/**
 * Documentation as text. TypeScript writes `{@link Name}` as `{@link Name }` where `Name`
 * is not in scope (as in a declaration file that copies the comment elsewhere): the words
 * are the same, so both read `{@link Name}` here.
 */
function words(parts: ts.SymbolDisplayPart[] | undefined): string {
  return ts.displayPartsToString(parts).replace(/\{@link ([^}]*?)\s+\}/g, "{@link $1}");
}
