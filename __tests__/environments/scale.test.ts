import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { MAX_ZIP_BYTES } from "../../scripts/build-lambda";
import { parseDatabaseBindings, parseSecretBindings } from "../../shared/rotation-binding";
import { realisticValues } from "../support/realistic-values";
import { scaleEnvironment } from "../support/scale-environment";
import type { StackJson } from "../../review/terraform-json";
import { evaluateJsonencode, interpolate, type ReferenceResolver } from "../support/terraform-expressions";

/**
 * 500 database users, 250 per strategy: every policy stays within its limit, each
 * function's environment within Lambda's 4 KB, each deployment package within the size
 * target, with values at their real length; and synth stays fast.
 */
const USERS = 500;
const environment = scaleEnvironment(USERS);
const ROOT = path.resolve(__dirname, "..", "..");
const RUN = path.join(ROOT, "scripts", "run.js");

/** IAM's and the services' size limits of policy documents, in characters without whitespace. */
const LIMITS = {
  /** All inline policies of one role together. */
  inlineRolePolicies: 10_240,
  managedPolicy: 6_144,
  roleTrustPolicy: 2_048,
  keyPolicy: 32_768,
  topicPolicy: 30_720,
  endpointPolicy: 20_480,
};
/** Lambda: the keys and values of a function's environment variables, together. */
const LAMBDA_ENVIRONMENT_BYTES = 4_096;

let stack: StackJson;
let stackDir: string;
let outdir: string;
let timing: { cpuMs: number; wallMs: number };
let resolve: ReferenceResolver;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), "scale-"));
  // In a Node.js process of its own, as `npm run synth` runs: jest's module sandbox
  // slows cdktf down about twofold. CPU time rather than wall time, so that other
  // processes on a busy machine do not count.
  const run = spawnSync(process.execPath, [RUN, "__tests__/support/scale-synth.ts", String(USERS), outdir], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  timing = JSON.parse(run.stdout) as typeof timing;
  stackDir = path.join(outdir, "stacks", environment.name);
  stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as StackJson;
  resolve = realisticValues(stack, environment.region);
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function resourcesOf(type: string): Record<string, unknown>[] {
  return Object.values(stack.resource[type] ?? {});
}

/** Characters IAM counts: the policy with its references at real length, without whitespace. */
function policySize(policy: unknown): number {
  return JSON.stringify(JSON.parse(interpolate(String(policy), resolve))).replace(/\s/g, "").length;
}

test(`synthesizes ${USERS} database users in less than 3 s of CPU time`, () => {
  expect(resourcesOf("aws_secretsmanager_secret_rotation")).toHaveLength(USERS + 1); // and the master secret's
  expect(timing.cpuMs).toBeLessThan(3_000);
});

test("each role's inline policies stay within IAM's 10,240 characters together", () => {
  const byRole = new Map<string, number>();
  for (const policy of resourcesOf("aws_iam_role_policy")) {
    const role = String(policy.role);
    byRole.set(role, (byRole.get(role) ?? 0) + policySize(policy.policy));
  }
  expect(byRole.size).toBeGreaterThanOrEqual(2);
  for (const [role, size] of byRole) {
    expect({ role, size, withinLimit: size <= LIMITS.inlineRolePolicies }).toEqual({ role, size, withinLimit: true });
  }
});

test.each([
  ["aws_iam_policy", "policy", LIMITS.managedPolicy],
  ["aws_iam_role", "assume_role_policy", LIMITS.roleTrustPolicy],
  ["aws_kms_key", "policy", LIMITS.keyPolicy],
  ["aws_sns_topic_policy", "policy", LIMITS.topicPolicy],
  ["aws_vpc_endpoint", "policy", LIMITS.endpointPolicy],
])("every %s.%s stays within %d characters", (type, attribute, limit) => {
  const sizes = resourcesOf(type).map((resource) => policySize(resource[attribute]));
  expect(sizes.length).toBeGreaterThan(0);
  expect(sizes.filter((size) => size > limit)).toEqual([]);
});

describe.each(["alternating-users", "single-user"])("the %s function", (strategy) => {
  const fn = () => {
    const found = resourcesOf("aws_lambda_function").find((f) => f.function_name === `scale-rotate-${strategy}`);
    expect(found).toBeDefined();
    return found as { filename: string; environment: { variables: Record<string, string> } };
  };

  test(`keeps its environment within Lambda's ${LAMBDA_ENVIRONMENT_BYTES} bytes and binds the database`, () => {
    const variables = { ...fn().environment.variables };
    variables.ROTATION_DATABASES = evaluateJsonencode(variables.ROTATION_DATABASES, resolve);
    const bytes = Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key + value), 0);
    expect(bytes).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_BYTES);
    expect(Object.keys(parseDatabaseBindings(variables.ROTATION_DATABASES))).toEqual([environment.database.identifier]);
  });

  test(`binds its ${USERS / 2} secrets in a package within ${MAX_ZIP_BYTES} bytes`, () => {
    const zip = readFileSync(path.join(stackDir, fn().filename));
    expect(zip.length).toBeLessThanOrEqual(MAX_ZIP_BYTES);
    const bindings = parseSecretBindings(strFromU8(unzipSync(zip)["secret-bindings.json"]));
    const expected = environment.databaseUsers.filter((u) => u.strategy === strategy);
    expect(Object.keys(bindings.secrets).sort()).toEqual(expected.map((u) => u.secretName).sort());
    for (const user of expected) {
      expect(bindings.secrets[user.secretName]).toEqual({
        database: environment.database.identifier,
        username: user.username,
        privileges: user.privileges,
      });
    }
  });
});
