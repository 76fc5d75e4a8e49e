import type { DatabaseProps } from "../constructs/database";
import type { DatabaseCredentialSecretProps } from "../constructs/database-credential-secret";
import type { EncryptionKeyProps } from "../constructs/encryption-key";
import type { KeyValueSecretProps } from "../constructs/key-value-secret";
import type { NetworkProps } from "../constructs/network";
import type { RotationFunctionProps } from "../constructs/rotation-function";
import type { RotationStrategy } from "../shared/secret-contract";

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

/** `Omit` applied to each member of a union (the built-in one merges the members). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The KMS key that encrypts the secrets, the database and the logs: the AWS-managed
 * `aws/secretsmanager` key (`aws-managed`), a new customer-managed key with rotation
 * (`customer-managed`, alias `alias/<env>-secrets`), or an `existing` key ARN.
 * The fields are {@link EncryptionKeyProps}'.
 */
export type EncryptionConfig = OmitEach<EncryptionKeyProps, "aliasName" | "description">;

/**
 * A new VPC (`new`) or an existing one (`existing`), and how the rotation function
 * reaches Secrets Manager. The fields are {@link NetworkProps}'; resource names take the
 * environment's name as prefix, and flow logs use the environment's key.
 */
export type NetworkConfig = OmitEach<NetworkProps, "namePrefix" | "flowLogKmsKeyArn">;

/**
 * The RDS instance or Aurora cluster. The fields are {@link DatabaseProps}'; the network
 * and the key come from the environment.
 */
export type DatabaseConfig = Omit<DatabaseProps, "vpcId" | "subnetIds" | "kmsKeyArn"> & {
  /** Security groups of applications that may connect to the database port. @default [] */
  readonly applicationSecurityGroupIds?: readonly string[];
};

/**
 * A key/value ("other type") secret whose value is set outside Terraform. The fields are
 * {@link KeyValueSecretProps}'; the recovery window must be stated.
 */
export type KeyValueSecretConfig = Omit<KeyValueSecretProps, "kmsKeyArn"> &
  Required<Pick<KeyValueSecretProps, "recoveryWindowDays">> & {
    /**
     * IAM role names of this account's applications that may read the secret: the
     * secret's read policy is attached to each. @default []
     */
    readonly readerRoleNames?: readonly string[];
  };

/**
 * An application user of the database and its credential secret, created and rotated by
 * the rotation function of its strategy. The secret's fields are
 * {@link DatabaseCredentialSecretProps}'; the connection comes from the database.
 */
export type DatabaseUserConfig = Pick<
  DatabaseCredentialSecretProps,
  "secretName" | "description" | "username" | "privileges" | "rotation"
> &
  Required<Pick<DatabaseCredentialSecretProps, "recoveryWindowDays">> & {
    /** Rotation strategy; one function is deployed per strategy in use. */
    readonly strategy: RotationStrategy;
    /**
     * IAM role names of applications that may read this secret: the secret's read policy
     * (GetSecretValue and DescribeSecret on this secret, the key only through Secrets
     * Manager) is attached to each. @default []
     */
    readonly readerRoleNames?: readonly string[];
  };

/**
 * Settings shared by the environment's rotation functions. The fields are
 * {@link RotationFunctionProps}'.
 */
export type RotationFunctionConfig = Pick<
  RotationFunctionProps,
  "runtime" | "timeoutSeconds" | "logRetentionDays" | "passwordLength" | "reservedConcurrentExecutions"
>;

export interface AlertsConfig {
  /** E-mail addresses subscribed to the rotation alerts topic. @default [] */
  readonly emailSubscribers?: readonly string[];
}
