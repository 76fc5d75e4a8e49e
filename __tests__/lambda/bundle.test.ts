import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { MAX_ZIP_BYTES, buildRotationBundle, type RotationBundleBuild } from "../../scripts/build-lambda";

let dirs: string[];
let builds: RotationBundleBuild[];

beforeAll(async () => {
  dirs = [mkdtempSync(path.join(tmpdir(), "rotation-build-a-")), mkdtempSync(path.join(tmpdir(), "rotation-build-b-"))];
  builds = await Promise.all(dirs.map((dir) => buildRotationBundle(dir)));
}, 30_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("two builds give byte-identical zips, whatever the output directory", () => {
  const [a, b] = builds.map((build) => readFileSync(build.zipPath));
  expect(a.equals(b)).toBe(true);
  expect(builds[0].zipSha256Base64).toBe(builds[1].zipSha256Base64);
  expect(builds[0].zipSha256Base64).toBe(createHash("sha256").update(a).digest("base64"));
  expect(builds[0].zipBytes).toBe(a.length);
  expect(builds.map((build) => path.basename(build.zipPath))).toEqual(["rotation-function.zip", "rotation-function.zip"]);
});

test(`the zip is at most ${MAX_ZIP_BYTES} bytes and holds exactly index.js, the bundle`, () => {
  const zip = readFileSync(builds[0].zipPath);
  expect(zip.length).toBeLessThanOrEqual(MAX_ZIP_BYTES);
  const entries = unzipSync(zip);
  expect(Object.keys(entries)).toEqual(["index.js"]);
  expect(Buffer.from(entries["index.js"]).equals(readFileSync(builds[0].bundlePath))).toBe(true);
});

test("the bundle holds no absolute path of the build machine", () => {
  const code = readFileSync(builds[0].bundlePath, "utf8");
  expect(code).not.toContain(path.resolve(__dirname, "..", ".."));
  expect(code).not.toContain(dirs[0]);
  expect(code).not.toMatch(/sourceMappingURL/);
});

test("the bundle loads in a fresh Node.js process and exports the handler", () => {
  const output = execFileSync(
    process.execPath,
    ["-e", `const m = require(${JSON.stringify(builds[0].bundlePath)}); console.log(typeof m.handler, typeof m.createHandler)`],
    { encoding: "utf8", env: { PATH: process.env.PATH } },
  );
  expect(output.trim()).toBe("function function");
});
