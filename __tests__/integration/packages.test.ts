/**
 * The two packages as another repository uses them: built and packed as
 * `npm run build:packages` does, installed offline into fresh projects outside this
 * repository (support/consumer-project.ts), and used there through the examples:
 *
 * - examples/infrastructure-app, a cdktf app with environments of its own, synthesizes to
 *   JSON and to HCL (read with HashiCorp's parser), with the rotation bundle the package
 *   ships; its editor shows the same documentation on every field of an environment as
 *   this repository's does;
 * - examples/application, built as an ES module and as CommonJS, reads its secret from
 *   the Secrets Manager stand-in and logs in to the MariaDB test server, without cdktf,
 *   the provider bindings or pg installed.
 *
 * In the integration project because the application needs the database servers.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { unzipSync } from "fflate";
import { SECRET_BINDINGS_FILE, parseSecretBindings } from "../../shared/rotation-binding";
import { type BuiltPackage, buildPackages } from "../../scripts/build-packages";
import { type StackJson, resourcesOfType } from "../../review/terraform-json";
import { consumerEnvironment, installExample, run } from "../support/consumer-project";
import { fieldDocs } from "../support/field-docs";
import { RotationFixture } from "../support/rotation-fixture";

const ROOT = path.resolve(__dirname, "..", "..");
const PROJECT = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};
const INFRASTRUCTURE = "@secrets-rotation/infrastructure";
const CLIENT = "@secrets-rotation/client";
const ENVIRONMENTS = ["staging", "production"];

let work: string;
let packages: Record<string, BuiltPackage>;
let infrastructureApp: string;
let application: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "packages-consumer-"));
  const built = await buildPackages(path.join(work, "tarballs"));
  packages = Object.fromEntries(built.map((p) => [p.name, p]));
  [infrastructureApp, application] = await Promise.all(
    ["infrastructure-app", "application"].map((example) => installExample(example, work, built)),
  );
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The manifest a package was published with. */
const manifestOf = (name: string) =>
  JSON.parse(readFileSync(path.join(packages[name].dir, "package.json"), "utf8")) as {
    main: string;
    types: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };

describe("the tarballs", () => {
  test.each([INFRASTRUCTURE, CLIENT])("%s holds its compiled entry with declarations, README, LICENSE and CHANGELOG, and no source", (name) => {
    const { files } = packages[name];
    const { main, types } = manifestOf(name);
    expect(files).toEqual(expect.arrayContaining([main, types, "package.json", "README.md", "LICENSE", "CHANGELOG.md"]));
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(readFileSync(path.join(packages[name].dir, "LICENSE"), "utf8")).toBe(readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
  });

  test("the infrastructure package ships the rotation bundle, the client package nothing of the infrastructure", () => {
    expect(packages[INFRASTRUCTURE].files).toContain("lambda/index.js");
    expect(packages[CLIENT].files.filter((f) => /constructs\/|stacks\/|environments\/|lambda\//.test(f))).toEqual([]);
  });

  test.each([
    [INFRASTRUCTURE, ["@cdktf/provider-aws", "cdktf", "constructs"]],
    [CLIENT, ["@types/pg", "mysql2", "pg"]],
  ])("%s pins each dependency as the project does, and leaves %j to the consumer", (name, peers) => {
    const { dependencies, peerDependencies } = manifestOf(name);
    expect(Object.keys(dependencies).length).toBeGreaterThan(0);
    for (const [dependency, version] of Object.entries(dependencies)) {
      expect([dependency, version]).toEqual([dependency, PROJECT.dependencies[dependency]]);
    }
    expect(Object.keys(peerDependencies).sort()).toEqual(peers);
    expect(Object.keys(dependencies).filter((d) => peers.includes(d))).toEqual([]);
  });
});

describe("the installed projects", () => {
  test.each([["infrastructure-app"], ["application"]])("examples/%s names the packages at the version they are built with", (example) => {
    const { dependencies } = JSON.parse(readFileSync(path.join(ROOT, "examples", example, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const named = Object.entries(dependencies).filter(([name]) => name in packages);
    expect(named.length).toBe(1);
    expect(named.map(([, version]) => version)).toEqual([PROJECT.version]);
  });

  test.each([["infrastructure-app"], ["application"]])("%s: npm ls finds every dependency and peer dependency satisfied", async (example) => {
    await expect(run(path.join(work, example), "npm", ["ls", "--all", "--offline"])).resolves.toBeDefined();
  });

  test("the application has neither cdktf, nor the provider bindings, nor the driver it does not use", () => {
    const installed = (name: string) => existsSync(path.join(application, "node_modules", name, "package.json"));
    expect(["cdktf", "@cdktf/provider-aws", "constructs", "pg", INFRASTRUCTURE].filter(installed)).toEqual([]);
    expect(["mysql2", CLIENT].filter(installed)).toEqual(["mysql2", CLIENT]);
  });

  test.each([
    ["infrastructure-app", INFRASTRUCTURE],
    ["application", CLIENT],
  ])("%s: import and require load one implementation of %s, with the same exports", async (example, name) => {
    const script = `
      import { createRequire } from "node:module";
      const viaImport = await import(${JSON.stringify(name)});
      const viaRequire = createRequire(import.meta.url)(${JSON.stringify(name)});
      // Node's namespace of a CommonJS module has more names ("default", and "module.exports"
      // from Node 23 on): each export must be one of them, with the same value.
      const names = Object.keys(viaRequire);
      console.log(JSON.stringify({
        exports: names.length,
        notImported: names.filter((n) => !(n in viaImport)),
        different: names.filter((n) => n in viaImport && viaImport[n] !== viaRequire[n]),
      }));`;
    const { stdout } = await run(path.join(work, example), process.execPath, ["--input-type=module", "-e", script]);
    const { exports, notImported, different } = JSON.parse(stdout) as { exports: number; notImported: string[]; different: string[] };
    expect(exports).toBeGreaterThan(5);
    expect({ notImported, different }).toEqual({ notImported: [], different: [] });
  }, 60_000);
});

describe("(a) an app with its own environments, on the infrastructure package", () => {
  const jsonStacks: Record<string, StackJson> = {};
  const stackDir = (env: string) => path.join(infrastructureApp, "cdktf.out", "stacks", env);

  test("type-checks and synthesizes each environment to JSON, with a review page and no path of this machine", async () => {
    await run(infrastructureApp, "npm", ["run", "synth"]);
    for (const env of ENVIRONMENTS) {
      const text = readFileSync(path.join(stackDir(env), "cdk.tf.json"), "utf8");
      expect(text).not.toContain(work);
      jsonStacks[env] = JSON.parse(text) as StackJson;
      expect(resourcesOfType(jsonStacks[env], "aws_db_instance").map((r) => r.resource.identifier)).toEqual([`orders-${env}`]);
      expect(readFileSync(path.join(stackDir(env), "REVIEW.md"), "utf8")).toMatch(new RegExp(`^# Review: ${env}\\n`));
    }
  }, 120_000);

  test("each rotation function's deployment package is the shipped bundle with the bindings of its environment's secrets", () => {
    const shipped = readFileSync(path.join(infrastructureApp, "node_modules", INFRASTRUCTURE, "lambda", "index.js"));
    for (const env of ENVIRONMENTS) {
      const [fn] = resourcesOfType(jsonStacks[env], "aws_lambda_function");
      const zip = unzipSync(readFileSync(path.join(stackDir(env), String(fn.resource.filename))));
      expect(Buffer.from(zip["index.js"]).equals(shipped)).toBe(true);
      const bindings = parseSecretBindings(Buffer.from(zip[SECRET_BINDINGS_FILE]).toString("utf8"));
      expect(Object.keys(bindings.secrets)).toEqual([`orders-${env}/database/orders_app`]);
    }
    // Zipped into the app's own cache folder; the installed package's folder is only read.
    expect(readdirSync(path.join(infrastructureApp, "node_modules", ".cache", "secrets-rotation"))).toHaveLength(ENVIRONMENTS.length);
    expect(readdirSync(path.join(infrastructureApp, "node_modules", INFRASTRUCTURE, "lambda"))).toEqual(["index.js"]);
  });

  test("synthesizes to HCL that HashiCorp's parser reads, declaring the resources of the JSON", async () => {
    await run(infrastructureApp, "npm", ["run", "synth:hcl"]);
    const addresses = (resources: Record<string, Record<string, unknown>> | undefined) =>
      Object.entries(resources ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
    for (const env of ENVIRONMENTS) {
      expect(existsSync(path.join(stackDir(env), "cdk.tf.json"))).toBe(false);
      const hcl = (await parseHcl(`${env}/cdk.tf`, readFileSync(path.join(stackDir(env), "cdk.tf"), "utf8"))) as {
        resource?: Record<string, Record<string, unknown>>;
      };
      expect(addresses(hcl.resource)).toEqual(addresses(jsonStacks[env].resource));
      expect(addresses(hcl.resource).length).toBeGreaterThan(40);
    }
  }, 120_000);

  test("a broken environment fails naming the environment, the field, the value and what is allowed", async () => {
    const script = `
      import { validateEnvironments } from ${JSON.stringify(INFRASTRUCTURE)};
      import { staging } from "./dist/environments/staging.js";
      try {
        validateEnvironments([{ ...staging, database: { ...staging.database, backupRetentionDays: 40 } }]);
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, message: error.message }));
      }`;
    const { stdout } = await run(infrastructureApp, process.execPath, ["--input-type=module", "-e", script]);
    expect(JSON.parse(stdout)).toEqual({
      name: "ConfigurationError",
      message: 'environment "staging": database.backupRetentionDays is 40; allowed: an integer from 1 to 35',
    });
  }, 60_000);

  test("its editor shows the documentation this repository's shows on every field of an environment", () => {
    const example = path.join(infrastructureApp, "environments", "staging.ts");
    const consumer = fieldDocs(path.join(infrastructureApp, "tsconfig.json"), example, "staging");
    // The same environment as a file of this repository's environments/.
    const here = path.join(ROOT, "environments", "example-staging.ts");
    const source = readFileSync(example, "utf8").replace(`from "${INFRASTRUCTURE}"`, 'from "./types"');
    const repository = fieldDocs(path.join(ROOT, "tsconfig.json"), here, "staging", new Map([[here, source]]));
    expect(Object.fromEntries(consumer)).toEqual(Object.fromEntries(repository));
    // Every field is documented, but the keys of the tags, which are the environment's own words.
    expect([...consumer].filter(([field, doc]) => doc === "" && !field.startsWith("tags."))).toEqual([]);
  }, 120_000);
});

describe("(b) an application on the client package", () => {
  let fx: RotationFixture;

  beforeAll(async () => {
    fx = await RotationFixture.create();
  });

  afterAll(async () => {
    await fx?.close();
  });

  test("built as an ES module and as CommonJS, logs in to MariaDB with the secret's current user, read through the stand-in", async () => {
    const secret = fx.seedDatabaseSecret({ engine: "mariadb", privileges: ["SELECT"] });
    await fx.driver.rotate(secret.arn, fx.rotationFunction("alternating-users")); // creates the user and its password
    const { username } = fx.value(secret.arn);
    await run(application, "npm", ["run", "build"]);
    const env = consumerEnvironment({ ...fx.fake.environment("application"), DB_SECRET_ID: secret.name, DB_CA_BUNDLE: fx.env.caPath });
    for (const script of ["start", "start:commonjs"]) {
      const { stdout } = await run(application, "npm", ["run", "--silent", script], env);
      expect(JSON.parse(stdout)).toEqual([{ user: `${username}@%` }]);
    }
    expect(fx.fake.countCalls({ operation: "GetSecretValue", caller: "application" })).toBe(2);
  }, 120_000);
});
