import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { format } from "@cdktf/hcl-tools";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { parse } from "@cdktf/hcl2json";
import { App, TerraformStack } from "cdktf";
import { environments } from "../../main";
import { freshCopy, ROOT } from "../support/fresh-copy";
import { terraformBinary, terraformFmtCheck } from "../support/terraform-binary";

/**
 * `npm run synth` (`synth:hcl` with `hcl`) in `dir` as on a fresh machine: no `TFC_*`
 * variable, and nothing on the PATH (cdktf's Terraform Cloud backend looks for a
 * `terraform` binary); `emptyDir` is a directory with nothing in it.
 */
function synth(dir: string, hcl: boolean, emptyDir: string): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TFC_")));
  execFileSync(process.execPath, ["scripts/run.js", "main.ts"], {
    cwd: dir,
    env: { ...env, PATH: emptyDir, SYNTH_HCL_OUTPUT: hcl ? "true" : "false", CHECKPOINT_DISABLE: "1" },
    stdio: "pipe",
  });
}

const CDKTF_CLI = path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

/**
 * Whether the cdktf CLI's commands start on this Node.js: they load node-pty, a native
 * module whose package (`@cdktf/node-pty-prebuilt-multiarch` 0.10) ships binaries up to
 * Node.js 22's ABI and builds one at install time only for the Node.js that installs it,
 * so the CLI fails to start on Node.js 24 (the unit project's second run).
 */
const cliStartsHere: boolean = (() => {
  const load = `require(require.resolve("@cdktf/node-pty-prebuilt-multiarch", { paths: [${JSON.stringify(CDKTF_CLI)}] }))`;
  try {
    execFileSync(process.execPath, ["-e", load], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();

/** `npx cdktf synth --hcl`: the CLI runs the app command of cdktf.json, then formats the HCL itself. */
function cliSynthHcl(dir: string): void {
  const { SYNTH_HCL_OUTPUT: _ignored, ...env } = process.env;
  execFileSync(process.execPath, [CDKTF_CLI, "synth", "--hcl"], {
    cwd: dir,
    env: { ...env, CHECKPOINT_DISABLE: "1", CI: "1" },
    stdio: "pipe",
  });
}

/** Every file under `dir`, relative path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), readFileSync(full));
    }
  }
  return files;
}

type Blocks = Record<string, Record<string, unknown>>;

/** Attributes whose names mention passwords but hold settings: RDS manages the master password; the function's password length. */
const SETTINGS_NAMED_PASSWORD = new Set(["manage_master_user_password", "PASSWORD_LENGTH"]);

/** `type.name` of every block of a kind (resource, data) in parsed HCL or JSON. */
function addresses(blocks: Blocks | undefined): string[] {
  return Object.entries(blocks ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

describe("synthesized output", () => {
  let first: string;
  let second: string;
  const outputs = new Map<string, { json: Map<string, Buffer>; hcl: Map<string, Buffer> }>();
  let cliHcl: Map<string, Buffer>;

  beforeAll(() => {
    first = freshCopy();
    second = freshCopy();
    const emptyDir = mkdtempSync(path.join(tmpdir(), "empty-path-"));
    for (const dir of [first, second]) {
      synth(dir, false, emptyDir);
      const json = tree(path.join(dir, "cdktf.out"));
      synth(dir, true, emptyDir);
      const hcl = tree(path.join(dir, "cdktf.out"));
      outputs.set(dir, { json, hcl });
    }
    rmSync(emptyDir, { recursive: true });
    if (cliStartsHere) {
      cliSynthHcl(first);
      cliHcl = tree(path.join(first, "cdktf.out"));
    }
  }, 120_000);

  afterAll(() => {
    for (const dir of [first, second]) rmSync(dir, { recursive: true, force: true });
  });

  test("is byte-identical from two fresh copies of the project, Lambda zip included", () => {
    const a = outputs.get(first)!;
    const b = outputs.get(second)!;
    for (const format of ["json", "hcl"] as const) {
      expect([...a[format].keys()].sort()).toEqual([...b[format].keys()].sort());
      for (const [file, bytes] of a[format]) {
        expect({ file, equal: bytes.equals(b[format].get(file)!) }).toEqual({ file, equal: true });
      }
    }
    const zips = [...a.json.keys()].filter((f) => f.endsWith(".zip"));
    expect(zips).toHaveLength(environments.length);
  });

  test("keeps prod's state in the Terraform Cloud workspace prod.ts names, with no TFC_* variable set", () => {
    const prod = JSON.parse(outputs.get(first)!.json.get("stacks/prod/cdk.tf.json")!.toString("utf8"));
    expect(prod.terraform.cloud).toEqual({ organization: "example-org", workspaces: { name: "secrets-rotation-prod" } });
  });

  test("holds one configuration format per stack directory", () => {
    const { json, hcl } = outputs.get(first)!;
    for (const env of environments) {
      expect(json.has(`stacks/${env.name}/cdk.tf.json`)).toBe(true);
      expect(json.has(`stacks/${env.name}/cdk.tf`)).toBe(false);
      expect(hcl.has(`stacks/${env.name}/cdk.tf`)).toBe(true);
      expect(hcl.has(`stacks/${env.name}/cdk.tf.json`)).toBe(false);
    }
  });

  test("names no absolute path of the machine that synthesized it", () => {
    const machinePaths = [first, second, ROOT, tmpdir(), homedir()];
    for (const dir of [first, second]) {
      const { json, hcl } = outputs.get(dir)!;
      for (const [file, bytes] of [...json, ...hcl]) {
        if (file.endsWith(".zip")) continue;
        const text = bytes.toString("utf8");
        for (const machinePath of machinePaths) {
          expect({ file, machinePath, found: text.includes(machinePath) }).toEqual({ file, machinePath, found: false });
        }
      }
    }
  });

  test("holds no secret value: no password attribute, no secret binary, no password in any secret string", () => {
    const { json, hcl } = outputs.get(first)!;
    const offending: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
      else if (value && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) {
          const at = `${where}.${key}`;
          if (/password|secret_binary|secret_string_wo/i.test(key) && !SETTINGS_NAMED_PASSWORD.has(key)) {
            offending.push(at);
          }
          if (key === "secret_string" && /password/i.test(String(child))) offending.push(at);
          walk(child, at);
        }
      }
    };
    for (const env of environments) {
      const stack = JSON.parse(json.get(`stacks/${env.name}/cdk.tf.json`)!.toString("utf8"));
      // Attributes only: logical names (e.g. MasterPasswordRotation) are not values.
      for (const [type, byName] of Object.entries(stack.resource as Blocks)) {
        for (const [name, attributes] of Object.entries(byName)) walk(attributes, `${env.name}.${type}.${name}`);
      }
      walk(stack.output, `${env.name}.output`);
      const text = hcl.get(`stacks/${env.name}/cdk.tf`)!.toString("utf8");
      if (/^\s*(master_)?password\s*=/m.test(text)) offending.push(`${env.name}/cdk.tf`);
    }
    expect(offending).toEqual([]);
  });

  test.each(environments.map((e) => e.name))(
    "%s: requires the AWS provider from its bindings' release on, within that major version",
    async (name) => {
      const { json, hcl } = outputs.get(first)!;
      const { major, minor } = /^(?<major>\d+)\.(?<minor>\d+)\.\d+$/.exec(
        new AwsProvider(new TerraformStack(new App(), "probe"), "aws", {}).terraformGeneratorMetadata!.providerVersion!,
      )!.groups!;
      const expected = { source: "aws", version: `~> ${major}.${minor}` };
      const fromJson = JSON.parse(json.get(`stacks/${name}/cdk.tf.json`)!.toString("utf8"));
      expect(fromJson.terraform.required_providers.aws).toEqual(expected);
      const fromHcl = (await parse(`${name}.tf`, hcl.get(`stacks/${name}/cdk.tf`)!.toString("utf8"))) as {
        terraform: { required_providers: Record<string, unknown>[] }[];
      };
      expect(fromHcl.terraform[0].required_providers[0].aws).toEqual(expected);
    },
  );

  test.each(environments.map((e) => e.name))("%s: the HCL parses with HashiCorp's parser and declares what the JSON declares", async (name) => {
    const { json, hcl } = outputs.get(first)!;
    const fromJson = JSON.parse(json.get(`stacks/${name}/cdk.tf.json`)!.toString("utf8"));
    const fromHcl = (await parse(`${name}.tf`, hcl.get(`stacks/${name}/cdk.tf`)!.toString("utf8"))) as {
      resource?: Blocks;
      data?: Blocks;
      output?: Record<string, unknown>;
      provider?: Record<string, unknown>;
    };
    expect(addresses(fromHcl.resource)).toEqual(addresses(fromJson.resource));
    expect(addresses(fromHcl.data)).toEqual(addresses(fromJson.data));
    expect(Object.keys(fromHcl.output ?? {}).sort()).toEqual(Object.keys(fromJson.output ?? {}).sort());
    expect(Object.keys(fromHcl.provider ?? {})).toEqual(["aws"]);
    expect(addresses(fromJson.resource).length).toBeGreaterThan(30);
  });
  describe("HCL", () => {
    const hclOf = (name: string): string => outputs.get(first)!.hcl.get(`stacks/${name}/cdk.tf`)!.toString("utf8");

    (cliStartsHere ? test : test.skip)("`npx cdktf synth --hcl` writes the same bytes as `npm run synth:hcl` (where the CLI starts)", () => {
      const npm = outputs.get(first)!.hcl;
      expect([...cliHcl.keys()].sort()).toEqual([...npm.keys()].sort());
      for (const [file, bytes] of npm) {
        expect({ file, equal: bytes.equals(cliHcl.get(file)!) }).toEqual({ file, equal: true });
      }
    });

    test.each(environments.map((e) => e.name))("%s: is a fixed point of cdktf's formatter, which the CLI runs after the app", async (name) => {
      expect(await format(hclOf(name))).toBe(hclOf(name));
    });

    test.each(environments.map((e) => e.name))("%s: refers to resources with bare expressions, not interpolation-only strings", (name) => {
      const quotedReferences = hclOf(name)
        .split("\n")
        .filter((line) => /^\s*[a-z_]+\s*= "\$\{[a-z_.]+(\[\d+\])?[a-z_.]*\}"$/.test(line));
      expect(quotedReferences).toEqual([]);
      expect(hclOf(name)).toMatch(/^ {2}vpc_id += aws_vpc\.network\.id$/m);
    });

    test.each(environments.map((e) => e.name))("%s: groups the top-level blocks: terraform, provider, data sources, resources, outputs", (name) => {
      const kinds = [...hclOf(name).matchAll(/^([a-z]+)[ {]/gm)].map((m) => m[1]);
      const order = ["terraform", "provider", "data", "resource", "output"];
      const groups = kinds.filter((kind, i) => kind !== kinds[i - 1]);
      expect(groups).toEqual(order);
    });

    (terraformBinary ? test : test.skip)("is what `terraform fmt` leaves (where a terraform binary is installed)", () => {
      expect(() => terraformFmtCheck(Object.fromEntries(environments.map((e) => [e.name, hclOf(e.name)])))).not.toThrow();
    });

    test("a JSON synth and an HCL synth write the same review page", () => {
      const { json, hcl } = outputs.get(first)!;
      for (const env of environments) {
        const file = `stacks/${env.name}/REVIEW.md`;
        expect(json.get(file)?.toString("utf8")).toBe(hcl.get(file)?.toString("utf8"));
      }
    });
  });
});
