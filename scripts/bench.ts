/**
 * `npm run bench`: the figures the README quotes, measured on this machine.
 *
 *  1. Synth: `npm run synth` (both environments) against a bare `node` process that only
 *     requires cdktf and the provider modules the stacks use; and an environment of 500
 *     database users.
 *  2. The rotation function's bundle: the size of each environment's deployment package,
 *     and the time a fresh Node process takes to load the bundle.
 *  3. Rotation: a full rotation (four steps) against local MariaDB and PostgreSQL servers,
 *     per engine family and strategy, with the Secrets Manager calls of each step.
 *  4. Cost: Secrets Manager calls for 10,000 connections an hour through the cache,
 *     against one call per connection.
 *
 * `npm run bench -- --quick` skips the rotation part (it starts database servers).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { costComparison } from "../client/cost-model";
import type { RotationStrategy } from "../shared/secret-contract";
import { callsPerStep } from "../__tests__/support/rotation-driver";
import { DATABASES_ENV_VAR, startDatabases, writeDatabaseEnvironment } from "../__tests__/support/db-servers";
import { RotationFixture } from "../__tests__/support/rotation-fixture";
import { ensureRotationBundle } from "./rotation-bundle";

const ROOT = path.resolve(__dirname, "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of a command over `runs` runs (after one warm-up run), in ms. */
function wall(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
    if (i > 0) times.push(performance.now() - started);
  }
  return median(times);
}

/** The provider modules the synthesized app loads, e.g. `db-instance`. */
function providerModulesUsed(): string[] {
  const script = `require(${JSON.stringify(path.join(ROOT, "dist", "main.js"))});
    const used = Object.keys(require.cache).filter((k) => k.includes("@cdktf/provider-aws/lib/"))
      .map((k) => k.split("@cdktf/provider-aws/lib/")[1].split("/")[0]);
    process.stdout.write(JSON.stringify([...new Set(used)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
}

function benchSynth(runs: number): Record<string, number | string> {
  const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const synthMs = wall("npm", ["run", "--silent", "synth"], runs, env);
  const appMs = wall(process.execPath, ["scripts/run.js", "main.ts"], runs, env);
  const modules = providerModulesUsed();
  const baseline = path.join(tmpdir(), "bench-baseline.js");
  writeFileSync(
    baseline,
    [`require("cdktf");`, ...modules.map((m) => `require("@cdktf/provider-aws/lib/${m}");`)].join("\n"),
  );
  const baselineMs = wall(process.execPath, ["--require", baseline, "-e", ""], runs, {
    ...env,
    NODE_PATH: path.join(ROOT, "node_modules"),
  });
  return {
    "npm run synth (both environments), median ms": round(synthMs),
    "node scripts/run.js main.ts (the cdktf app command), median ms": round(appMs),
    [`bare node requiring cdktf + ${modules.length} provider modules, median ms`]: round(baselineMs),
    "npm run synth / bare node": (synthMs / baselineMs).toFixed(2),
    "app command / bare node": (appMs / baselineMs).toFixed(2),
  };
}

async function benchBundle(runs: number): Promise<Record<string, number>> {
  const bundleJs = (await ensureRotationBundle()).codePath;
  const loads: number[] = [];
  const processes: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const out = execFileSync(
      process.execPath,
      ["-e", `const t = performance.now(); require(${JSON.stringify(bundleJs)}); process.stdout.write(String(performance.now() - t));`],
      { encoding: "utf8" },
    );
    if (i > 0) {
      processes.push(performance.now() - started);
      loads.push(Number(out));
    }
  }
  return {
    ...Object.fromEntries(
      deploymentPackages().map((file) => [`deployment package bytes, ${path.relative(ROOT, file)}`, statSync(file).size]),
    ),
    "bundle bytes": statSync(bundleJs).size,
    "require() of the bundle in a fresh process, median ms": round(median(loads)),
    "whole fresh process (start, load, exit), median ms": round(median(processes)),
  };
}

/** The rotation functions' deployment packages of the last `npm run synth`. */
function deploymentPackages(): string[] {
  const stacks = path.join(ROOT, "cdktf.out", "stacks");
  return readdirSync(stacks, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".zip"))
    .map((file) => path.join(stacks, file))
    .sort();
}

/**
 * An environment of `users` database users synthesized by `__tests__/support/scale-synth.ts`
 * in a process of its own (as the scale test does), three times after a warm-up.
 */
function benchScale(users: number): Record<string, number> {
  const runs: { cpuMs: number; wallMs: number }[] = [];
  for (let i = 0; i <= 3; i++) {
    const outdir = mkdtempSync(path.join(tmpdir(), "bench-scale-"));
    const result = spawnSync(process.execPath, ["scripts/run.js", "__tests__/support/scale-synth.ts", String(users), outdir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`scale synth exited with ${result.status}: ${result.stderr}`);
    if (i > 0) runs.push(JSON.parse(result.stdout));
  }
  return {
    [`synth of one environment with ${users} database users, median wall ms`]: round(median(runs.map((r) => r.wallMs))),
    [`the same, median CPU ms`]: round(median(runs.map((r) => r.cpuMs))),
  };
}

async function benchRotation(rotations: number): Promise<Record<string, unknown>[]> {
  const databases = await startDatabases();
  const rows: Record<string, unknown>[] = [];
  try {
    process.env[DATABASES_ENV_VAR] = await writeDatabaseEnvironment(databases);
    const fixture = await RotationFixture.create();
    try {
      for (const engine of ["mysql", "postgres"] as const) {
        for (const strategy of ["single-user", "alternating-users"] as RotationStrategy[]) {
          const fn = fixture.rotationFunction(strategy);
          const secret = fixture.seedDatabaseSecret({ engine });
          await fixture.driver.rotate(secret.arn, fn); // the first rotation creates the user
          const times: number[] = [];
          let perStep: ReturnType<typeof callsPerStep> | undefined;
          for (let i = 0; i < rotations; i++) {
            const started = performance.now();
            const outcome = await fixture.driver.rotate(secret.arn, fn);
            times.push(performance.now() - started);
            perStep = callsPerStep(outcome.calls);
          }
          const counts = Object.fromEntries(
            Object.entries(perStep!).map(([step, ops]) => [step, Object.values(ops).reduce((a, b) => a + b, 0)]),
          );
          rows.push({
            engine: engine === "mysql" ? "MariaDB (mysql protocol)" : "PostgreSQL",
            strategy,
            "median ms": round(median(times)),
            "API calls": Object.values(counts).reduce((a, b) => a + b, 0),
            ...counts,
          });
        }
      }
    } finally {
      await fixture.close();
    }
  } finally {
    await databases.stop();
  }
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function table(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0]);
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((c) => String(row[c])).join(" | ")} |`),
  ].join("\n");
}

function pairs(record: Record<string, unknown>): string {
  return table(Object.entries(record).map(([measure, value]) => ({ measure, value })));
}

export async function main(args: string[] = []): Promise<void> {
  const quick = args.includes("--quick");
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  const out: string[] = [`Node ${process.version}, ${cpu}`, ""];

  out.push("### Synth", "", pairs(benchSynth(7)), "");
  out.push("### Scale", "", pairs(benchScale(500)), "");
  out.push("### Rotation function bundle", "", pairs(await benchBundle(7)), "");
  if (!quick) {
    out.push("### Full rotation against a local server (4 steps, TLS)", "", table(await benchRotation(10)), "");
  }
  const cost = await costComparison({ connectionsPerHour: 10_000 });
  const extensionTtl = await costComparison({ connectionsPerHour: 10_000, ttlMs: 300_000 });
  const row = (read: string, calls: (typeof cost)["cached"]) => ({
    read,
    "calls per hour": calls.callsPerHour,
    "calls per month": calls.callsPerMonth,
    "USD per month": calls.usdPerMonth.toFixed(4),
  });
  out.push(
    `### Secrets Manager API cost of ${cost.connectionsPerHour} connections an hour (${cost.hoursPerMonth} h a month)`,
    "",
    table([
      row(`SecretCache, TTL ${cost.ttlMs / 1000} s (default)`, cost.cached),
      row(`SecretCache, TTL ${extensionTtl.ttlMs / 1000} s`, extensionTtl.cached),
      row("one GetSecretValue per connection", cost.uncached),
    ]),
  );
  process.stdout.write(`${out.join("\n")}\n`);
}
