/**
 * `@secrets-rotation/infrastructure`: AWS Secrets Manager with automatic rotation of
 * database credentials, as cdktf constructs. An app writes its environments as
 * {@link EnvironmentConfig} data and builds one {@link SecretsRotationStack} from each,
 * with the rotation function's bundle that ships in this package
 * ({@link ROTATION_BUNDLE}); or it uses the constructs one by one.
 */
import * as path from "node:path";
import type { RotationBundle } from "../../constructs/rotation-bundle";

/**
 * The rotation function's bundle that ships in this package (`lambda/index.js`), built
 * from the same sources as these constructs when the package was packed: no build step
 * in the app. Each rotation function zips it with the bindings of its secrets at synth,
 * into a deployment package kept in the app's `node_modules/.cache/secrets-rotation/`
 * (`packagesDir`), never in this package's folder, which may be read-only.
 */
export const ROTATION_BUNDLE: RotationBundle = {
  // This file runs as lib/packages/infrastructure/index.js: three levels below the package root.
  codePath: path.join(__dirname, "..", "..", "..", "lambda", "index.js"),
};

// One environment as one stack.
export { SecretsRotationStack, localStateFile } from "../../stacks/secrets-rotation-stack";
export { EnvironmentSchema } from "../../environments/schema";
export type { DatabaseUserConfig, EnvironmentConfig, ValidEnvironment } from "../../environments/types";
export { ConfigurationError, validateEnvironment, validateEnvironments } from "../../environments/validate";
export { rotationFunctionName } from "../../environments/rotation-functions";

// The constructs, each with its props schema and props type.
export {
  AwsManagedKeySchema,
  CustomerManagedKeySchema,
  EncryptionKey,
  EncryptionKeyPropsSchema,
  type EncryptionKeyProps,
  type EncryptionKind,
  ExistingKeySchema,
} from "../../constructs/encryption-key";
export {
  ExistingNetworkPropsSchema,
  type ExistingNetworkProps,
  NAT_GATEWAY_MODES,
  Network,
  NetworkPropsSchema,
  type NetworkProps,
  NewNetworkPropsSchema,
  type NewNetworkProps,
  SECRETS_MANAGER_ACCESS,
  type SecretsManagerAccess,
} from "../../constructs/network";
export {
  Database,
  type DatabaseEndpoints,
  DatabasePropsSchema,
  type DatabaseProps,
  MONITORING_INTERVALS,
} from "../../constructs/database";
export { KeyValueSecret, KeyValueSecretPropsSchema, type KeyValueSecretProps } from "../../constructs/key-value-secret";
export {
  DatabaseCredentialSecret,
  DatabaseCredentialSecretPropsSchema,
  type DatabaseCredentialSecretProps,
} from "../../constructs/database-credential-secret";
export {
  RotationFunction,
  RotationFunctionPropsSchema,
  type RotationFunctionProps,
  RotationTargetSchema,
  type RotationTarget,
} from "../../constructs/rotation-function";
export {
  DEFAULT_ROTATION_RUNTIME,
  ROTATION_RUNTIMES,
  type RotationBundle,
  RotationBundleSchema,
  type RotationRuntime,
} from "../../constructs/rotation-bundle";
export { RotationAlerts, RotationAlertsPropsSchema, type RotationAlertsProps } from "../../constructs/rotation-alerts";
export { SecretReadPolicy, SecretReadPolicyPropsSchema, type SecretReadPolicyProps } from "../../constructs/secret-read-policy";
export { type Problem, ValidationError } from "../../constructs/validation";

// The vocabulary of the secrets and their rotation.
export {
  ENGINES,
  type Engine,
  PRIVILEGES,
  type Privilege,
  ROTATION_STRATEGIES,
  type RotationStrategy,
} from "../../shared/secret-contract";

// What a reviewer reads beside the configuration.
export { completeStackDirectories, type StackEnvironment } from "../../review/stack-directories";
export { reviewPage, type SynthesizedEnvironment } from "../../review/review-page";
export type { StackJson } from "../../review/terraform-json";
