import type { EnvironmentConfig } from "./types";

/**
 * Development: the Secrets Manager tutorial scenario, built cheaply. The AWS-managed
 * `aws/secretsmanager` key, a single-AZ `db.t4g.micro`, one interface endpoint for
 * Secrets Manager instead of a NAT gateway, short log retention, and no deletion
 * protection and no recovery window on secrets, so the environment can be torn down and
 * built again at once (a secret in its recovery window keeps its name taken).
 */
export const dev: EnvironmentConfig = {
  name: "dev",
  tier: "development",
  region: "us-east-1",
  tags: { Project: "secrets-rotation", Environment: "dev" },
  encryption: { kind: "aws-managed" },
  network: {
    kind: "new",
    cidrBlock: "10.10.0.0/16",
    availabilityZoneIds: ["use1-az1", "use1-az2"],
    secretsManagerAccess: "vpc-endpoint",
    endpointZoneCount: 1,
    flowLogRetentionDays: 7,
  },
  database: {
    identifier: "mytestdatabaseinstance",
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    databaseName: "tutorial",
    masterUsername: "adminuser",
    port: 3306,
    allocatedStorageGb: 20,
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 1,
    logExports: ["error"],
    logRetentionDays: 7,
    iamAuthentication: true,
    masterPasswordRotationDays: 7,
    finalSnapshot: false,
  },
  keyValueSecrets: [
    {
      secretName: "tutorials/MyFirstTutorialSecret",
      description: "The secret I created for the first tutorial",
      keys: ["username", "password"],
      rotation: { kind: "none", reason: "The tutorial example value put by hand: no issuer and no function to rotate it" },
      recoveryWindowDays: 0,
    },
  ],
  databaseUsers: [
    {
      secretName: "tutorials/mytestdatabaseinstance/appuser",
      description: "Credentials of the tutorial application's own database user, rotated every 30 days",
      username: "appuser",
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      strategy: "alternating-users",
      rotation: { automaticallyAfterDays: 30 },
      recoveryWindowDays: 0,
    },
  ],
  rotationFunction: { logRetentionDays: 14 },
};
