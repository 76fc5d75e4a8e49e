import { parse } from "@cdktf/hcl2json";
import { synthEnvironments } from "../support/synth";
import { terraformBinary, terraformFmtCheck } from "../support/terraform-binary";
import { KEY_VALUE_ROTATION_FUNCTION_ARN, VARIANTS } from "../support/variants";

/**
 * The choices dev and prod do not make (__tests__/support/variants.ts) each synthesize to
 * HCL that HashiCorp's parser reads, with the resources the choice implies, and a review page.
 */
test.each(VARIANTS.map((v) => ({ ...v, name: v.description })))("$name", async ({ env, expectedTypes }) => {
  const { hcl, reviews } = await synthEnvironments([env], true);
  const parsed = (await parse(`${env.name}.tf`, hcl[env.name])) as { resource: Record<string, Record<string, unknown>> };
  for (const type of expectedTypes) expect(Object.keys(parsed.resource)).toContain(type);
  if (env.network.kind === "existing") {
    expect(parsed.resource).not.toHaveProperty("aws_vpc");
  }
  if (env.databaseUsers.length > 1) {
    // One rotation function per strategy in use.
    expect(Object.keys(parsed.resource.aws_lambda_function)).toHaveLength(2);
  }
  // Before the first apply: Node.js 24, no reservation, the environment under the key when there is one.
  for (const [fn] of Object.values(parsed.resource.aws_lambda_function) as Record<string, unknown>[][]) {
    expect(fn.runtime).toBe("nodejs24.x");
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(fn.kms_key_arn !== undefined).toBe(env.encryption.kind !== "aws-managed");
  }
  // Subnets (private, and the NAT gateways' public ones) by zone ID; an existing VPC's are not the stack's.
  const subnets = Object.values(parsed.resource.aws_subnet ?? {}) as Record<string, unknown>[][];
  expect(subnets.length > 0).toBe(env.network.kind === "new");
  for (const [subnet] of subnets) {
    expect(subnet.availability_zone_id).toMatch(/^use1-az[124]$/);
    expect(subnet).not.toHaveProperty("availability_zone");
  }
  // Out of paid Extended Support: on the DB instance, or on the Aurora cluster (its instances follow it).
  const databases = { ...parsed.resource.aws_db_instance, ...parsed.resource.aws_rds_cluster } as Record<string, Record<string, unknown>[]>;
  expect(Object.values(databases).map(([db]) => db.engine_lifecycle_support)).toEqual(["open-source-rds-extended-support-disabled"]);
  // A key/value secret rotated by a function of its own, from the schedule on (its value is put by hand).
  const rotations = parsed.resource.aws_secretsmanager_secret_rotation as Record<string, Record<string, unknown>[]>;
  const keyValueRotations = Object.entries(rotations)
    .filter(([name]) => name.startsWith("key_value_secret_"))
    .map(([, [rotation]]) => rotation);
  const rotatedByFunction = (env.keyValueSecrets ?? []).filter((secret) => secret.rotation?.kind === "function");
  expect(keyValueRotations).toEqual(
    rotatedByFunction.map(() =>
      expect.objectContaining({ rotation_lambda_arn: KEY_VALUE_ROTATION_FUNCTION_ARN, rotate_immediately: false }),
    ),
  );
  if (env.network.secretsManagerAccess === "nat-gateway") {
    const [acl] = Object.values(parsed.resource.aws_default_network_acl)[0] as { ingress: Record<string, unknown>[] }[];
    expect(acl.ingress).toContainEqual({ action: "allow", cidr_block: "0.0.0.0/0", protocol: "tcp", from_port: 1024, to_port: 3388, rule_no: 200 });
    expect(acl.ingress).toContainEqual({ action: "allow", cidr_block: "0.0.0.0/0", protocol: "tcp", from_port: 3390, to_port: 65535, rule_no: 210 });
    // The first rotation waits for the routes through the NAT gateways.
    const rotations = parsed.resource.aws_secretsmanager_secret_rotation as Record<string, { depends_on?: string[] }[]>;
    const userRotations = Object.entries(rotations)
      .filter(([name]) => name.startsWith("database_user_secret_"))
      .map(([, [rotation]]) => rotation);
    expect(userRotations.length).toBeGreaterThan(0);
    for (const rotation of userRotations) {
      expect((rotation.depends_on ?? []).filter((d) => d.startsWith("aws_route.network_private_default_route_"))).toHaveLength(2);
    }
  }
  expect(reviews[env.name]).toMatch(new RegExp(`^# Review: ${env.name}\n`));
}, 30_000);

(terraformBinary ? test : test.skip)("their HCL is what `terraform fmt` leaves (where a terraform binary is installed)", async () => {
  const files: Record<string, string> = {};
  for (const { env } of VARIANTS) files[env.name] = (await synthEnvironments([env], true)).hcl[env.name];
  expect(() => terraformFmtCheck(files)).not.toThrow();
}, 30_000);
