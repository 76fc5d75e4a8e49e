import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import type { EnvironmentConfig } from "../../environments/types";

/** The existing-VPC variant's rotation function for its key/value secret, deployed outside the stack. */
export const KEY_VALUE_ROTATION_FUNCTION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:tutorial-secret-rotation";

/** An environment that makes a choice dev and prod do not, with the resource types the choice implies. */
export interface Variant {
  readonly description: string;
  readonly env: EnvironmentConfig;
  readonly expectedTypes: readonly string[];
}

/**
 * The choices dev and prod do not make, each in an environment of its own: a NAT gateway
 * path, an Aurora PostgreSQL cluster with both strategies, an existing VPC and key with a
 * key/value secret rotated by a function deployed elsewhere.
 */
export const VARIANTS: readonly Variant[] = [
  {
    description: "NAT gateways per zone instead of an endpoint",
    env: {
      ...dev,
      name: "nat",
      network: {
        kind: "new",
        cidrBlock: "10.30.0.0/16",
        availabilityZoneIds: ["use1-az1", "use1-az2"],
        secretsManagerAccess: "nat-gateway",
        natGateways: "per-zone",
        flowLogRetentionDays: 7,
      },
    },
    expectedTypes: ["aws_nat_gateway", "aws_internet_gateway", "aws_eip", "aws_route", "aws_default_network_acl"],
  },
  {
    description: "an Aurora PostgreSQL cluster rotated with both strategies",
    env: {
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
          secretName: "prod/app/database/reporting",
          username: "reporting",
          privileges: ["SELECT"],
          strategy: "single-user",
          rotation: { scheduleExpression: "rate(12 hours)", duration: "2h" },
        },
      ],
    },
    expectedTypes: ["aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_cluster_parameter_group"],
  },
  {
    description: "an existing VPC and an existing key, and a key/value secret rotated by a function of its own",
    env: {
      ...prod,
      name: "existing",
      keyValueSecrets: (prod.keyValueSecrets ?? []).map((secret) => ({
        ...secret,
        rotation: { kind: "function", functionArn: KEY_VALUE_ROTATION_FUNCTION_ARN, automaticallyAfterDays: 30 },
      })),
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
    expectedTypes: ["aws_vpc_endpoint", "aws_db_instance"],
  },
];

/** The variant whose environment is named `name`. */
export function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.env.name === name);
  if (found === undefined) throw new Error(`no variant named ${name}`);
  return found;
}
