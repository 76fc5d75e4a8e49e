/**
 * Projects outside the repository that use the packages as another repository would: a
 * copy of a folder of examples/ in a temporary directory, the packed tarballs in place of
 * the registry versions it names, installed offline.
 *
 * npm picks a version from the registry's metadata, which the npm cache does not hold
 * after `npm ci` (that reads versions from the lock file). So each project starts from
 * this repository's package-lock.json, which pins every package the examples name at the
 * version the packages are built and tested with; `npm install --offline` takes from it,
 * and from the cache, what the project's own package.json and the tarballs' manifests
 * need, and leaves the rest out. Resolving peer dependencies at install would need the
 * registry too (`--legacy-peer-deps` skips it): `npm ls` checks them afterwards.
 */
import { execFile } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { BuiltPackage } from "../../scripts/build-packages";

const ROOT = path.resolve(__dirname, "..", "..");

/** What a command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a command in a consumer project: this process's, without the
 * `npm_*` variables an npm script (such as `npm test`) sets for its own package.
 */
export function consumerEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_"))),
    ...extra,
  };
}

/**
 * Runs a command without blocking this process (the Secrets Manager stand-in answers
 * from it); rejects with the command's output when it fails.
 */
export function run(cwd: string, command: string, args: readonly string[], env = consumerEnvironment()): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(" ")} in ${cwd} failed (${error.code ?? error.signal}):\n${stdout}\n${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/**
 * Copies `examples/<example>` into `workDir/<example>` and installs it: the tarballs of
 * `packages` instead of their registry versions, everything else offline. Returns the
 * project's directory.
 */
export async function installExample(example: string, workDir: string, packages: readonly BuiltPackage[]): Promise<string> {
  const dir = path.join(workDir, example);
  cpSync(path.join(ROOT, "examples", example), dir, { recursive: true });
  const manifestPath = path.join(dir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  for (const { name, tarball } of packages) {
    if (manifest.dependencies?.[name] !== undefined) manifest.dependencies[name] = `file:${tarball}`;
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    name: string;
    version: string;
    packages: Record<string, unknown>;
  };
  const { name, version, dependencies, devDependencies } = manifest;
  lock.name = name;
  lock.version = version;
  lock.packages[""] = { name, version, dependencies, devDependencies };
  writeFileSync(path.join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);

  await run(dir, "npm", ["install", "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"]);
  return dir;
}
