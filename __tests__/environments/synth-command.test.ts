import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { freshCopy } from "../support/fresh-copy";

/**
 * The app command of `cdktf.json`, which both `npm run synth` and `npx cdktf synth` run,
 * on a clone whose dev environment has the mistakes the compiler would catch but synth
 * (esbuild, no type check) sees as plain data: it exits 1 and prints every problem, one
 * line each, and no stack trace.
 */
test("the synth command reports a broken environment file, every problem and nothing else", () => {
  const dir = freshCopy();
  try {
    const devFile = path.join(dir, "environments", "dev.ts");
    const broken = readFileSync(devFile, "utf8")
      .replace("multiAz: false,", 'multiAz: "false",')
      .replace('strategy: "alternating-users",', 'strategy: "alternating",');
    writeFileSync(devFile, broken);
    const app = JSON.parse(readFileSync(path.join(dir, "cdktf.json"), "utf8")).app as string;
    expect(app).toBe(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).scripts.synth);

    const result = spawnSync("sh", ["-c", app], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });

    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      'environment "dev": database.multiAz is "false"; allowed: true or false',
      'environment "dev": databaseUsers[0].strategy is "alternating"; allowed: "single-user", "alternating-users"',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
