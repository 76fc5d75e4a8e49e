import type { EnvironmentConfig } from "./types";

/**
 * Production: the same scenario hardened. A customer-managed KMS key for secrets,
 * database, logs and alerts; an interface endpoint for Secrets Manager in every
 * availability zone; a multi-AZ database with deletion protection, enhanced
 * monitoring, Performance Insights and IAM authentication; 30-day recovery windows
 * and a year of logs.
 */
export const prod: EnvironmentConfig = {
  name: "prod",
  tier: "production",
  region: "us-east-1",
  tags: { Project: "secrets-rotation", Environment: "prod" },
  backend: { kind: "local" },
  encryption: { kind: "customer-managed", deletionWindowDays: 30 },
  network: {
    kind: "new",
    cidrBlock: "10.20.0.0/16",
    availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"],
    secretsManagerAccess: "vpc-endpoint",
    flowLogRetentionDays: 365,
  },
  database: {
    identifier: "mytestdatabaseinstance",
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.m7g.large",
    databaseName: "tutorial",
    masterUsername: "adminuser",
    // Not MySQL's default port (Security Hub RDS.23): scanners probing 3306 find nothing.
    port: 3307,
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    multiAz: true,
    deletionProtection: true,
    backupRetentionDays: 30,
    // Not the general log: it would put every statement, with its data, in CloudWatch
    // Logs. The audit log records connections and schema changes.
    logExports: ["audit", "error", "slowquery"],
    logRetentionDays: 365,
    monitoringIntervalSeconds: 60,
    performanceInsights: true,
    iamAuthentication: true,
    masterPasswordRotationDays: 7,
    finalSnapshot: true,
  },
  keyValueSecrets: [
    {
      secretName: "tutorials/MyFirstTutorialSecret",
      description: "The secret I created for the first tutorial",
      keys: ["username", "password"],
      rotation: { kind: "none", reason: "Issued by a third party that offers no API to replace it: its owner rotates it by hand" },
      recoveryWindowDays: 30,
    },
  ],
  databaseUsers: [
    {
      secretName: "tutorials/mytestdatabaseinstance/appuser",
      description: "Credentials of the application's own database user, rotated every 30 days",
      username: "appuser",
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      strategy: "alternating-users",
      rotation: { automaticallyAfterDays: 30 },
      recoveryWindowDays: 30,
    },
  ],
  rotationFunction: { logRetentionDays: 365 },
  alerts: { emailSubscribers: [] },
};
