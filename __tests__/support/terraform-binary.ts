import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** The `terraform` binary on the PATH, if there is one: the tests that run it are skipped without it. */
export const terraformBinary: string | undefined = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Runs `terraform fmt -check -diff` on the files (name → HCL); throws, with the diff, if
 * `terraform fmt` would change any of them.
 */
export function terraformFmtCheck(files: Readonly<Record<string, string>>): void {
  const dir = mkdtempSync(path.join(tmpdir(), "fmt-"));
  try {
    for (const [name, hcl] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.tf`), hcl);
    execFileSync(terraformBinary!, ["fmt", "-check", "-diff", "-no-color", dir], {
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
