/**
 * `npm run build:packages`: builds the two npm packages of this repository and packs each
 * into a tarball in `dist/packages/`, named as npm names it (`secrets-rotation-client-0.1.0.tgz`).
 *
 * A package is a folder of packages/ with its package.json (name, description, entry points,
 * files, peer dependencies) and README.md. Its entry is the TypeScript file its `main`
 * stands for (`lib/client/index.js` is `client/index.ts`), compiled with every project file
 * it imports into `lib/` (scripts/build-packages/compile.ts); its manifest gets the rest
 * from the project's package.json (scripts/build-packages/manifest.ts); LICENSE and
 * CHANGELOG.md are the project's. The infrastructure package also ships the rotation
 * function's bundle: the one `npm run synth` uses (scripts/rotation-bundle.ts).
 *
 * The packages are staged in `dist/packages/<folder>/` and packed with `npm pack`, which
 * gives every file the same fixed date: the same sources give the same tarballs.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { compilePackage } from "./build-packages/compile";
import { importedPackages, type Manifest, publishedManifest } from "./build-packages/manifest";
import { ensureRotationBundle } from "./rotation-bundle";

const ROOT = path.resolve(__dirname, "..");
const PACKAGES_DIR = path.join(ROOT, "packages");

/** One built package. */
export interface BuiltPackage {
  readonly name: string;
  /** The staged package: what the tarball holds. */
  readonly dir: string;
  /** The packed tarball. */
  readonly tarball: string;
  /** The files in the tarball, relative to the package root. */
  readonly files: readonly string[];
}

/**
 * What a package ships besides its compiled code and the project's files, by folder of
 * packages/: the rotation bundle, where `ROTATION_BUNDLE` (packages/infrastructure/index.ts)
 * finds it.
 */
const EXTRAS: Readonly<Record<string, (stagedDir: string) => Promise<void>>> = {
  infrastructure: async (stagedDir) => {
    const { codePath } = await ensureRotationBundle();
    mkdirSync(path.join(stagedDir, "lambda"));
    copyFileSync(codePath, path.join(stagedDir, "lambda", "index.js"));
  },
};

/** The project's files every package ships. */
const PROJECT_FILES = ["LICENSE", "CHANGELOG.md"];

/** The TypeScript entry of a package: the source of the file its `main` names under `lib/`. */
function entryOf(template: Manifest): string {
  const main = typeof template.main === "string" ? template.main : "";
  const source = main.replace(/^lib\/(.+)\.js$/, "$1.ts");
  if (source === main) throw new Error(`${template.name}: main is ${JSON.stringify(main)}; allowed: lib/<path>.js`);
  return source;
}

/** Builds every package under `outDir` (relative to the project root) and packs it there. */
export async function buildPackages(outDir = "dist/packages"): Promise<BuiltPackage[]> {
  const out = path.resolve(ROOT, outDir);
  const project = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Manifest;
  const folders = readdirSync(PACKAGES_DIR).filter((folder) => existsSync(path.join(PACKAGES_DIR, folder, "package.json")));
  const built: BuiltPackage[] = [];
  for (const folder of folders.sort()) {
    const source = path.join(PACKAGES_DIR, folder);
    const template = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8")) as Manifest;
    const dir = path.join(out, folder);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });

    const { files } = compilePackage(ROOT, entryOf(template), path.join(dir, "lib"));
    const manifest = publishedManifest(template, project, importedPackages(files));
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    copyFileSync(path.join(source, "README.md"), path.join(dir, "README.md"));
    for (const file of PROJECT_FILES) copyFileSync(path.join(ROOT, file), path.join(dir, file));
    await EXTRAS[folder]?.(dir);

    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", dir, "--pack-destination", out, "--ignore-scripts", "--json"], { cwd: out, encoding: "utf8" }),
    ) as { filename: string; files: { path: string }[] }[];
    built.push({ name: manifest.name, dir, tarball: path.join(out, packed.filename), files: packed.files.map((f) => f.path).sort() });
  }
  return built;
}

/** Command line: `node scripts/run.js scripts/build-packages.ts [outDir]` prints each tarball. */
export async function main(args: readonly string[] = []): Promise<void> {
  for (const { name, tarball } of await buildPackages(args[0])) {
    process.stdout.write(`${name}: ${path.relative(process.cwd(), tarball)}\n`);
  }
}
