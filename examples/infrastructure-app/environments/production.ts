import type { EnvironmentConfig } from "@secrets-rotation/infrastructure";

/**
 * Production: the same service hardened, as the production tier requires: its own pinned
 * account and remote state, a customer-managed key, three zones with an endpoint in each,
 * a multi-AZ instance with deletion protection and a final snapshot, a month of backups
 * and recovery windows, and the payment provider's key rotated by the team's own function.
 */
export const production: EnvironmentConfig = {
  name: "production",
  tier: "production",
  region: "eu-west-1",
  tags: { Service: "orders", Environment: "production" },
  // The production account, the role Terraform assumes in it, and where the state lives.
  allowedAccountIds: ["444455556666"],
  assumeRoleArn: "arn:aws:iam::444455556666:role/orders-deployer",
  backend: { kind: "cloud", organization: "orders-platform", workspace: "orders-production" },
  encryption: { kind: "customer-managed" },
  network: {
    kind: "new",
    cidrBlock: "10.50.0.0/16",
    availabilityZoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
    secretsManagerAccess: "vpc-endpoint",
    flowLogRetentionDays: 365,
  },
  database: {
    identifier: "orders-production",
    engine: "postgres",
    engineVersion: "16",
    instanceClass: "db.m7g.large",
    databaseName: "orders",
    masterUsername: "orders_admin",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 400,
    multiAz: true,
    deletionProtection: true,
    backupRetentionDays: 30,
    logExports: ["postgresql", "upgrade"],
    logRetentionDays: 365,
    monitoringIntervalSeconds: 60,
    performanceInsights: true,
    iamAuthentication: false,
    finalSnapshot: true,
  },
  keyValueSecrets: [
    {
      secretName: "orders-production/payment-provider",
      description: "API key of the payment provider",
      keys: ["apiKey"],
      rotation: {
        kind: "function",
        functionArn: "arn:aws:lambda:eu-west-1:444455556666:function:payment-provider-key-rotation",
        automaticallyAfterDays: 90,
      },
      recoveryWindowDays: 30,
    },
  ],
  databaseUsers: [
    {
      secretName: "orders-production/database/orders_app",
      description: "The orders service's own database user",
      username: "orders_app",
      privileges: ["SELECT", "INSERT", "UPDATE"],
      strategy: "alternating-users",
      rotation: { automaticallyAfterDays: 30 },
      recoveryWindowDays: 30,
    },
  ],
  rotationFunction: { logRetentionDays: 365 },
  alerts: { emailSubscribers: ["oncall@example.com"] },
};
