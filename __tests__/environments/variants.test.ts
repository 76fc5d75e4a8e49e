import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "@cdktf/hcl2json";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import type { EnvironmentConfig } from "../../environments/types";
import { buildApp } from "../../main";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";

/**
 * The choices dev and prod do not make, each in an environment of its own: a NAT gateway
 * path, an Aurora PostgreSQL cluster with both strategies, an existing VPC and key. Each
 * synthesizes to HCL that HashiCorp's parser reads, with the resources the choice implies.
 */
const variants: [string, EnvironmentConfig, string[]][] = [
  [
    "NAT gateways per zone instead of an endpoint",
    {
      ...dev,
      name: "nat",
      network: {
        kind: "new",
        cidrBlock: "10.30.0.0/16",
        availabilityZones: ["us-east-1a", "us-east-1b"],
        secretsManagerAccess: "nat-gateway",
        natGateways: "per-zone",
      },
    },
    ["aws_nat_gateway", "aws_internet_gateway", "aws_eip", "aws_default_network_acl"],
  ],
  [
    "an Aurora PostgreSQL cluster rotated with both strategies",
    {
      ...prod,
      name: "aurora",
      database: {
        ...prod.database,
        engine: "aurora-postgresql",
        engineVersion: "16.4",
        instanceClass: "db.r7g.large",
        port: 5433,
        auroraInstanceCount: 2,
        allocatedStorageGb: undefined,
        maxAllocatedStorageGb: undefined,
        logExports: ["postgresql"],
      },
      databaseUsers: [
        { ...prod.databaseUsers[0], strategy: "alternating-users" },
        {
          ...prod.databaseUsers[0],
          secretName: "tutorials/mytestdatabaseinstance/reporting",
          username: "reporting",
          privileges: ["SELECT"],
          strategy: "single-user",
          rotation: { scheduleExpression: "rate(12 hours)", duration: "2h" },
        },
      ],
    },
    ["aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_cluster_parameter_group"],
  ],
  [
    "an existing VPC and an existing key",
    {
      ...prod,
      name: "existing",
      encryption: {
        kind: "existing",
        keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      },
      network: {
        kind: "existing",
        vpcId: "vpc-0a1b2c3d4e5f60718",
        subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
        secretsManagerAccess: "vpc-endpoint",
      },
    },
    ["aws_vpc_endpoint", "aws_db_instance"],
  ],
];

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), "variants-"));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test.each(variants)("%s", async (_name, env, expectedTypes) => {
  const bundle = await ensureRotationBundle();
  const saved = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    buildApp({ outdir, environments: [env], bundle }).synth();
  } finally {
    if (saved === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = saved;
  }
  const hcl = readFileSync(path.join(outdir, "stacks", env.name, "cdk.tf"), "utf8");
  const parsed = (await parse(`${env.name}.tf`, hcl)) as { resource: Record<string, Record<string, unknown>> };
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
  if (env.network.secretsManagerAccess === "nat-gateway") {
    const [acl] = Object.values(parsed.resource.aws_default_network_acl)[0] as { ingress: Record<string, unknown>[] }[];
    expect(acl.ingress).toContainEqual({ action: "allow", cidr_block: "0.0.0.0/0", protocol: "tcp", from_port: 1024, to_port: 65535, rule_no: 200 });
    // The first rotation waits for the routes through the NAT gateways.
    for (const [rotation] of Object.values(parsed.resource.aws_secretsmanager_secret_rotation) as { depends_on?: string[] }[][]) {
      if (rotation.depends_on) expect(rotation.depends_on.filter((d) => d.startsWith("aws_route.Network_PrivateDefaultRoute"))).toHaveLength(2);
    }
  }
}, 30_000);
