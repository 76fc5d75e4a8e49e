import type { EnvironmentConfig } from "@secrets-rotation/infrastructure";

/**
 * Staging: the orders service's PostgreSQL database and its credentials, built cheaply:
 * AWS-managed keys, one small single-AZ instance, Secrets Manager reached through an
 * interface endpoint in one zone rather than NAT gateways, and no recovery window, so that
 * the environment can be torn down and built again at once.
 */
export const staging: EnvironmentConfig = {
  name: "staging",
  tier: "development",
  region: "eu-west-1",
  tags: { Service: "orders", Environment: "staging" },
  encryption: { kind: "aws-managed" },
  network: {
    kind: "new",
    cidrBlock: "10.40.0.0/16",
    availabilityZoneIds: ["euw1-az1", "euw1-az2"],
    secretsManagerAccess: "vpc-endpoint",
    endpointZoneCount: 1,
    flowLogRetentionDays: 7,
  },
  database: {
    identifier: "orders-staging",
    engine: "postgres",
    engineVersion: "16",
    instanceClass: "db.t4g.micro",
    databaseName: "orders",
    masterUsername: "orders_admin",
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 1,
    logExports: ["postgresql"],
    logRetentionDays: 7,
    iamAuthentication: false,
    finalSnapshot: false,
  },
  keyValueSecrets: [
    {
      secretName: "orders-staging/payment-provider",
      description: "API key of the payment provider's sandbox",
      keys: ["apiKey"],
      recoveryWindowDays: 0,
    },
  ],
  databaseUsers: [
    {
      secretName: "orders-staging/database/orders_app",
      description: "The orders service's own database user",
      username: "orders_app",
      privileges: ["SELECT", "INSERT", "UPDATE"],
      strategy: "alternating-users",
      rotation: { automaticallyAfterDays: 7 },
      recoveryWindowDays: 0,
    },
  ],
  rotationFunction: { logRetentionDays: 14 },
};
