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
  // Before the first apply: your production account, the role Terraform assumes in it, and
  // the Terraform Cloud organization and workspace that keep prod's state (README, "Before
  // the first apply"). Until then the apply stops at once: no such account, role or organization.
  allowedAccountIds: ["111122223333"],
  assumeRoleArn: "arn:aws:iam::111122223333:role/secrets-rotation-deployer",
  backend: { kind: "cloud", organization: "example-org", workspace: "secrets-rotation-prod" },
  encryption: { kind: "customer-managed", deletionWindowDays: 30 },
  network: {
    kind: "new",
    cidrBlock: "10.20.0.0/16",
    availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"],
    secretsManagerAccess: "vpc-endpoint",
    flowLogRetentionDays: 365,
  },
  database: {
    identifier: "prod-app-db",
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
      secretName: "prod/app/api-credentials",
      description: "The application's credentials for an external API, put outside Terraform",
      keys: ["username", "password"],
      rotation: { kind: "none", reason: "Issued by a third party that offers no API to replace it: its owner rotates it by hand" },
      recoveryWindowDays: 30,
    },
  ],
  databaseUsers: [
    {
      secretName: "prod/app/database/appuser",
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
