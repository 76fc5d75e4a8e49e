/**
 * Checks that are allowed to fail, each scoped to a resource type (and optionally to
 * addresses) and justified.
 *
 * - {@link DEVELOPMENT_EXCEPTIONS}: what the development tier gives up to stay cheap (or
 *   disposable). The suite proves each one still fails in every development environment
 *   and passes in every production environment, so the list cannot go stale.
 * - {@link NOT_APPLICABLE}: checks that do not apply to this design in ANY environment.
 *   Kept as short as possible; each entry must still fail somewhere, or it is stale.
 */

/** One accepted failure. */
export interface CheckException {
  /** Id of a check in the catalogue, e.g. `CKV_AWS_157` or `FSBP RDS.5`. */
  readonly checkId: string;
  /** Resource type the exception covers. */
  readonly resourceType: string;
  /** Narrows the exception to the addresses (`<type>.<name>`) it matches. @default every resource of the type */
  readonly address?: RegExp;
  /** Why the failure is accepted. */
  readonly reason: string;
}

const NO_CMK =
  "Development uses the AWS-managed keys (encryption.kind aws-managed): no customer-managed key, which costs $1/month plus requests.";
/** The `aws_secretsmanager_secret` of the stack's KeyValueSecret constructs (`KeyValueSecret<i>`). */
const KEY_VALUE_SECRETS = /^aws_secretsmanager_secret\.KeyValueSecret\d+_/;

const LOG_COST = "CloudWatch Logs ingestion and storage cost.";

/** What the development tier (`tier: "development"`) does not do. */
export const DEVELOPMENT_EXCEPTIONS: readonly CheckException[] = [
  // Database
  { checkId: "CKV_AWS_157", resourceType: "aws_db_instance", reason: "Single-AZ: a standby instance doubles the instance cost." },
  { checkId: "FSBP RDS.5", resourceType: "aws_db_instance", reason: "Single-AZ: a standby instance doubles the instance cost." },
  {
    checkId: "CKV_AWS_293",
    resourceType: "aws_db_instance",
    reason: "No deletion protection: the development database is torn down and re-created freely.",
  },
  {
    checkId: "FSBP RDS.8",
    resourceType: "aws_db_instance",
    reason: "No deletion protection: the development database is torn down and re-created freely.",
  },
  { checkId: "CKV_AWS_118", resourceType: "aws_db_instance", reason: `No enhanced monitoring: ${LOG_COST}` },
  { checkId: "FSBP RDS.6", resourceType: "aws_db_instance", reason: `No enhanced monitoring: ${LOG_COST}` },
  {
    checkId: "FSBP RDS.9",
    resourceType: "aws_db_instance",
    reason: `Exports the error log only (not audit, general, slowquery): ${LOG_COST}`,
  },
  {
    checkId: "FSBP RDS.11",
    resourceType: "aws_db_instance",
    reason: "Backups kept 1 day instead of at least 7: backup storage cost; development data is disposable.",
  },
  {
    checkId: "CKV_AWS_161",
    resourceType: "aws_db_instance",
    reason:
      "No IAM database authentication: development follows the tutorial, where applications authenticate with the rotated secret only. (Free to enable; kept off to keep one authentication path.)",
  },
  {
    checkId: "FSBP RDS.10",
    resourceType: "aws_db_instance",
    reason:
      "No IAM database authentication: development follows the tutorial, where applications authenticate with the rotated secret only. (Free to enable; kept off to keep one authentication path.)",
  },
  // Customer-managed key
  { checkId: "CKV_AWS_149", resourceType: "aws_secretsmanager_secret", reason: `Secrets use aws/secretsmanager. ${NO_CMK}` },
  { checkId: "CKV_AWS_158", resourceType: "aws_cloudwatch_log_group", reason: `Log groups use CloudWatch Logs' own encryption. ${NO_CMK}` },
  {
    checkId: "CKV_AWS_26",
    resourceType: "aws_sns_topic",
    reason: `Topics are not KMS-encrypted: the AWS-managed aws/sns key cannot be used by EventBridge and CloudWatch alarms to publish. ${NO_CMK}`,
  },
  {
    checkId: "SecurityHub SNS.1",
    resourceType: "aws_sns_topic",
    reason: `Topics are not KMS-encrypted: the AWS-managed aws/sns key cannot be used by EventBridge and CloudWatch alarms to publish. ${NO_CMK}`,
  },
  // Rotation function
  {
    checkId: "CKV_AWS_115",
    resourceType: "aws_lambda_function",
    reason:
      "No reserved concurrency: development and sandbox accounts often have a concurrency quota of 10, and Lambda keeps 10 unreserved, so any reservation fails to apply.",
  },
  // Logs
  {
    checkId: "CKV_AWS_338",
    resourceType: "aws_cloudwatch_log_group",
    reason: `Logs kept for days (7 to 30), not a year: ${LOG_COST}`,
  },
];

/** Checks that do not apply to this design in any environment. */
export const NOT_APPLICABLE: readonly CheckException[] = [
  ...["CKV2_AWS_57", "FSBP SecretsManager.1", "FSBP SecretsManager.4"].map(
    (checkId): CheckException => ({
      checkId,
      resourceType: "aws_secretsmanager_secret",
      address: KEY_VALUE_SECRETS,
      reason:
        "Key/value (\"other type\") secrets hold a credential issued by a third party and set by hand (BRIEF decision 2); there is no generic rotation for them, only one written for each issuer. Database credential secrets are rotated.",
    }),
  ),
  {
    checkId: "CKV_AWS_116",
    resourceType: "aws_lambda_function",
    reason:
      "Secrets Manager invokes the rotation function synchronously; a dead-letter queue only receives failed asynchronous events and would stay empty. Failures surface as RotationFailed events and the Errors alarm.",
  },
  {
    checkId: "CKV_AWS_272",
    resourceType: "aws_lambda_function",
    reason:
      "No AWS Signer profile: the zip is built reproducibly from the reviewed sources (scripts/build-lambda.ts) and pinned by its SHA-256 in source_code_hash.",
  },
  {
    checkId: "CKV_AWS_173",
    resourceType: "aws_lambda_function",
    reason:
      "The environment holds only non-secret settings (strategy, password length, CA bundle path); Lambda encrypts it at rest with its own key, and a customer key would protect nothing.",
  },
  {
    checkId: "FSBP EC2.10",
    resourceType: "aws_vpc",
    reason:
      "Nothing in these VPCs calls the EC2 API (Lambda manages the function's network interfaces from outside the VPC); an EC2 interface endpoint would carry no traffic.",
  },
];
