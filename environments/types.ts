import type { Engine, Privilege, RotationStrategy } from "../lambda/secret-contract";

/**
 * One deployment environment, as typed data. `environments/<name>.ts` exports one of
 * these and `environments/index.ts` lists it; `validateEnvironment` checks it at synth
 * time and every error names the environment, the field and the allowed values.
 */
export interface EnvironmentConfig {
  /** Stack name and the prefix of every resource name: lower-case letters, digits and `-`, starting with a letter. */
  readonly name: string;
  /**
   * `production` turns on the hardening rules: deletion protection, multi-AZ, a
   * customer-managed or existing KMS key, a final snapshot and recovery windows of at least 7 days.
   */
  readonly tier: "development" | "production";
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** Tags applied to every resource through the provider's `default_tags`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where Terraform keeps state. @default { kind: "local" } */
  readonly backend?: BackendConfig;
  /** The KMS key that encrypts the secrets, the database and the logs. */
  readonly encryption: EncryptionConfig;
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  /** Key/value ("other type") secrets whose value is set outside Terraform. @default [] */
  readonly keyValueSecrets?: readonly KeyValueSecretConfig[];
  /** Database credential secrets of application users, created and rotated by the rotation function. */
  readonly databaseUsers: readonly DatabaseUserConfig[];
  readonly rotationFunction: RotationFunctionConfig;
  readonly alerts?: AlertsConfig;
}

export type BackendConfig =
  /** State in a file next to the project, `terraform.<env>.tfstate` (a relative path). */
  | { readonly kind: "local" }
  /**
   * Terraform Cloud / HCP Terraform, one named workspace per environment.
   * `organization` and `workspace` fall back to the environment variables
   * `TFC_ORGANIZATION` and `TFC_WORKSPACE_<ENV>` (e.g. `TFC_WORKSPACE_PROD`).
   */
  | { readonly kind: "cloud"; readonly organization?: string; readonly workspace?: string; readonly hostname?: string };

export type EncryptionConfig =
  /** The AWS-managed `aws/secretsmanager` key (and `aws/rds`, `aws/logs` defaults). No key policy of ours. */
  | { readonly kind: "aws-managed" }
  /** A new customer-managed key with rotation enabled. */
  | {
      readonly kind: "customer-managed";
      /** Waiting period before the key is deleted, 7–30 days. @default 30 */
      readonly deletionWindowDays?: number;
      /** ARNs of IAM principals allowed to administer the key, besides the account root. @default [] */
      readonly adminPrincipalArns?: readonly string[];
    }
  /** A key that already exists. */
  | { readonly kind: "existing"; readonly keyArn: string };

export type SecretsManagerAccess = "vpc-endpoint" | "nat-gateway";

export type NetworkConfig =
  | {
      readonly kind: "new";
      /** IPv4 CIDR of the VPC, /16 to /24. */
      readonly cidrBlock: string;
      /** At least two availability zones of the region. */
      readonly availabilityZones: readonly string[];
      /** How the rotation function reaches Secrets Manager. */
      readonly secretsManagerAccess: SecretsManagerAccess;
      /**
       * With `vpc-endpoint`: in how many of the availability zones the endpoint has an
       * interface (1 is cheapest; every zone is resilient). @default every zone
       */
      readonly endpointZoneCount?: number;
      /** With `nat-gateway`: one shared NAT gateway, or one per availability zone. @default "single" */
      readonly natGateways?: "single" | "per-zone";
      /** VPC flow logs to CloudWatch Logs, with this retention in days; omit to disable. */
      readonly flowLogRetentionDays?: number;
    }
  | {
      readonly kind: "existing";
      readonly vpcId: string;
      /** Private subnets (at least two, in different zones) for the database and the function. */
      readonly subnetIds: readonly string[];
      /** `vpc-endpoint` creates one in the given subnets; `nat-gateway` means the subnets already route to one. */
      readonly secretsManagerAccess: SecretsManagerAccess;
    };

export interface DatabaseConfig {
  /** DB instance (or cluster) identifier, e.g. `mytestdatabaseinstance`. */
  readonly identifier: string;
  readonly engine: Engine;
  /** Engine version, e.g. `8.0` or `16.4`. */
  readonly engineVersion: string;
  /** Instance class, e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** Name of the initial database. */
  readonly databaseName: string;
  /** Master user name, e.g. `adminuser`. Its password is generated and kept by RDS. */
  readonly masterUsername: string;
  /** @default 3306 for MySQL-family engines, 5432 for PostgreSQL-family engines */
  readonly port?: number;
  /** Storage in GiB (not used by Aurora). @default 20 */
  readonly allocatedStorageGb?: number;
  /** Upper bound for storage autoscaling in GiB; omit to disable. */
  readonly maxAllocatedStorageGb?: number;
  /** Aurora only: number of cluster instances. @default 1 */
  readonly auroraInstanceCount?: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  /** 1–35 days. */
  readonly backupRetentionDays: number;
  /** Log types exported to CloudWatch Logs (engine specific, e.g. `error`, `postgresql`). @default [] */
  readonly logExports?: readonly string[];
  /** Retention of the exported database log groups, a value CloudWatch Logs accepts. @default 30 */
  readonly logRetentionDays?: number;
  /** Enhanced monitoring interval: 0 (off), 1, 5, 10, 15, 30 or 60 seconds. @default 0 */
  readonly monitoringIntervalSeconds?: number;
  readonly performanceInsights?: boolean;
  readonly iamAuthentication: boolean;
  /** Days between rotations of the RDS-managed master password, 1–365. @default 7 */
  readonly masterPasswordRotationDays?: number;
  /** Security groups of applications that may connect to the database port. @default [] */
  readonly applicationSecurityGroupIds?: readonly string[];
  /** Take a final snapshot when the database is destroyed. */
  readonly finalSnapshot: boolean;
}

export interface KeyValueSecretConfig {
  /** Path-style name, e.g. `tutorials/MyFirstTutorialSecret`. */
  readonly secretName: string;
  readonly description: string;
  /** Keys the value is expected to hold (documentation, and a tag). The value itself is set outside Terraform. */
  readonly keys?: readonly string[];
  /** 0 (delete at once) or 7–30 days. */
  readonly recoveryWindowDays: number;
  /** Regions to replicate the secret to. @default [] */
  readonly replicaRegions?: readonly string[];
  /** IAM role ARNs allowed to read the secret through a resource policy (with `block_public_policy`). @default none */
  readonly readerRoleArns?: readonly string[];
}

export type RotationSchedule =
  /** Rotate every N days, 1–1000. */
  | { readonly automaticallyAfterDays: number }
  /** A `rate()` or `cron()` expression, and the window length such as `3h`. */
  | { readonly scheduleExpression: string; readonly duration?: string };

export interface DatabaseUserConfig {
  /** Secret name, e.g. `tutorials/mytestdatabaseinstance/app`. */
  readonly secretName: string;
  readonly description: string;
  /** The application user's name in the database. */
  readonly username: string;
  /** Privileges the first rotation grants on the database. */
  readonly privileges: readonly Privilege[];
  readonly strategy: RotationStrategy;
  /** @default { automaticallyAfterDays: 30 } */
  readonly rotation?: RotationSchedule;
  /** 0 or 7–30 days. */
  readonly recoveryWindowDays: number;
  /** IAM role names of applications that may read this secret (a least-privilege policy is attached to each). @default [] */
  readonly readerRoleNames?: readonly string[];
}

export interface RotationFunctionConfig {
  /** Lambda runtime, `nodejs22.x` or newer. @default "nodejs22.x" */
  readonly runtime?: string;
  /** Seconds, 10–900. @default 60 */
  readonly timeoutSeconds?: number;
  /** Log group retention in days (a CloudWatch Logs allowed value). */
  readonly logRetentionDays: number;
  /** Length of generated passwords, 16–128. @default 32 */
  readonly passwordLength?: number;
  /**
   * Concurrency reserved for each rotation function, 1–1000: rotation keeps capacity in a
   * busy account, and the database never sees more rotation connections than this.
   * @default none (the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
}

export interface AlertsConfig {
  /** E-mail addresses subscribed to the rotation alerts topic. @default [] */
  readonly emailSubscribers?: readonly string[];
}
