import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import ts from "typescript";

/** A package.json, as far as the build reads it. */
export interface Manifest {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly license?: string;
  readonly engines?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/**
 * Fields of a published manifest that come from the project's package.json, so that the
 * packages and the project they are built from state them once: the version (the two
 * packages are released together), the license, the Node.js versions, and the dependencies
 * (each at the version the project pins and tests).
 */
const PROJECT_FIELDS = ["version", "license", "engines", "dependencies"] as const;

const BUILT_INS = new Set(builtinModules);

/** The package a module specifier names (`@aws-sdk/client-secrets-manager`, `valibot`), or undefined for a file or a Node.js built-in. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:") || BUILT_INS.has(specifier)) {
    return undefined;
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The packages that compiled files (JavaScript and declarations) import or reference. */
export function importedPackages(files: readonly string[]): Set<string> {
  const packages = new Set<string>();
  for (const file of files) {
    const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of [...importedFiles, ...typeReferenceDirectives]) {
      const name = fileName === "node" ? undefined : packageOf(fileName);
      if (name !== undefined) packages.add(name);
    }
  }
  return packages;
}

/**
 * The manifest a package is published with: its folder's package.json (name, description,
 * entry points, files, peer dependencies), and from the project's package.json the fields
 * of {@link PROJECT_FIELDS}. Its dependencies are the packages its compiled files import
 * that are not peer dependencies, each pinned as the project pins it.
 *
 * @throws Error when the folder's package.json states a field the project's decides, or the
 *   code imports a package that is neither a peer dependency nor a dependency of the project
 */
export function publishedManifest(template: Manifest, project: Manifest, imported: ReadonlySet<string>): Manifest {
  const stated = PROJECT_FIELDS.filter((field) => template[field] !== undefined);
  if (stated.length > 0) {
    throw new Error(`${template.name}: ${stated.join(", ")} come from the project's package.json; remove them from the package's`);
  }
  const peers = new Set(Object.keys(template.peerDependencies ?? {}));
  const dependencies: Record<string, string> = {};
  for (const name of [...imported].filter((n) => !peers.has(n)).sort()) {
    const version = project.dependencies?.[name];
    if (version === undefined) {
      throw new Error(`${template.name} imports ${name}, which is neither one of its peer dependencies nor a dependency of the project`);
    }
    dependencies[name] = version;
  }
  const { name, description, ...rest } = template;
  return { name, version: project.version, description, license: project.license, ...rest, engines: project.engines, dependencies };
}
