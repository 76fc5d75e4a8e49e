import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { deterministicZip } from "../../constructs/deterministic-zip";
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

test("two builds give byte-identical bundles, whatever the output directory", () => {
  const [a, b] = builds.map((build) => readFileSync(build.bundlePath));
  expect(a.equals(b)).toBe(true);
  expect(builds.map((build) => path.basename(build.bundlePath))).toEqual(["index.js", "index.js"]);
  expect(builds[0].bundleBytes).toBe(a.length);
});

test(`zipped, the bundle takes at most ${MAX_ZIP_BYTES} bytes, and the zip gives it back unchanged`, () => {
  const code = readFileSync(builds[0].bundlePath);
  const zip = deterministicZip({ "index.js": code });
  expect(builds[0].zipBytes).toBe(zip.length);
  expect(zip.length).toBeLessThanOrEqual(MAX_ZIP_BYTES);
  expect(Buffer.from(unzipSync(zip)["index.js"]).equals(code)).toBe(true);
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
