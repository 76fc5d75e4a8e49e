/**
 * Checks that are allowed to fail, each scoped to a resource type (and optionally to
 * addresses) and justified.
 *
 * - {@link DEVELOPMENT_EXCEPTIONS}: what the development tier gives up to stay cheap (or
 *   disposable). The suite proves each one still fails in every development environment
 *   and passes in every production environment, so the list cannot go stale.
 * - {@link NOT_APPLICABLE}: checks that do not apply to this design in ANY environment.
 *   Kept as short as possible; each entry must still fail where it applies, or it is stale.
 * - {@link statedExceptions}: what an environment's own configuration accepts, with its
 *   reason, read from the stack: a key/value secret not rotated, and why.
 */
import { ROTATION_EXEMPTION_TAG } from "../../shared/secret-tags";
import { block, resourcesOfType, type StackJson } from "../terraform-json";

/** The environment tiers, each with the failures it accepts. */
export type Tier = "development" | "production";

/** One accepted failure. */
export interface CheckException {
  /** Id of the catalogue check it accepts (any one of its ids), e.g. `CKV_AWS_157`. */
  readonly checkId: string;
  /** Resource type the exception covers. */
  readonly resourceType: string;
  /** Narrows the exception to the addresses (`<type>.<name>`) it matches. @default every resource of the type */
  readonly address?: RegExp;
  /** Why the failure is accepted. */
  readonly reason: string;
}

/** The same justified failure of several checks (e.g. a Checkov check and a Security Hub control that tests it differently). */
function accept(
  checkIds: readonly string[],
  resourceType: string,
  reason: string,
  address?: RegExp,
): CheckException[] {
  return checkIds.map((checkId) => ({ checkId, resourceType, reason, ...(address ? { address } : {}) }));
}

const NO_CMK =
  "Development uses the AWS-managed keys (encryption.kind aws-managed): no customer-managed key, which costs $1/month plus requests.";
const LOG_COST = "CloudWatch Logs ingestion and storage cost.";

/** What the development tier (`tier: "development"`) does not do. */
export const DEVELOPMENT_EXCEPTIONS: readonly CheckException[] = [
  // Database
  ...accept(["CKV_AWS_157"], "aws_db_instance", "Single-AZ: a standby instance doubles the instance cost."),
  ...accept(
    ["CKV_AWS_293"],
    "aws_db_instance",
    "No deletion protection: the development database is torn down and re-created freely.",
  ),
  ...accept(["CKV_AWS_118", "FSBP RDS.6"], "aws_db_instance", `No enhanced monitoring: ${LOG_COST}`),
  ...accept(
    ["FSBP RDS.11"],
    "aws_db_instance",
    "Backups kept 1 day instead of at least 7: backup storage cost; development data is disposable.",
  ),
  ...accept(
    ["FSBP RDS.23"],
    "aws_db_instance",
    "MySQL's default port 3306: development is the tutorial scenario, whose instance listens on 3306. Not a cost.",
  ),
  // No customer-managed key
  ...accept(["CKV_AWS_149"], "aws_secretsmanager_secret", `Secrets use aws/secretsmanager. ${NO_CMK}`),
  ...accept(["CKV_AWS_158"], "aws_cloudwatch_log_group", `Log groups use CloudWatch Logs' own encryption. ${NO_CMK}`),
  ...accept(
    ["CKV_AWS_26"],
    "aws_sns_topic",
    `Topics are not KMS-encrypted: the AWS-managed aws/sns key cannot be used by EventBridge and CloudWatch alarms to publish. ${NO_CMK}`,
  ),
  // Rotation function
  ...accept(
    ["CKV_AWS_173"],
    "aws_lambda_function",
    `The environment (strategy, password length, CA bundle path, database endpoints) is encrypted with Lambda's own key. ${NO_CMK}`,
  ),
  // Logs
  ...accept(["CKV_AWS_338"], "aws_cloudwatch_log_group", `Logs kept for days (7 to 14), not a year: ${LOG_COST}`),
];

/** Checks that do not apply to this design in any environment. */
export const NOT_APPLICABLE: readonly CheckException[] = [
  ...accept(
    ["CKV_AWS_116"],
    "aws_lambda_function",
    "Secrets Manager invokes the rotation function synchronously; a dead-letter queue only receives failed asynchronous events and would stay empty. Failures surface as RotationFailed events and the Errors alarm.",
  ),
  ...accept(
    ["CKV_AWS_272"],
    "aws_lambda_function",
    "No AWS Signer profile: the zip is built reproducibly from the reviewed sources (scripts/build-lambda.ts) and pinned by its SHA-256 in source_code_hash.",
  ),
  ...accept(
    ["CKV_AWS_115"],
    "aws_lambda_function",
    "No reserved concurrency: Lambda keeps 100 of an account's concurrent executions unreserved and new accounts often have a quota of 10, so any reservation fails the first apply there. An environment may reserve some (rotationFunction.reservedConcurrentExecutions) once its quota allows.",
  ),
  ...accept(
    ["FSBP RDS.9"],
    "aws_db_instance",
    "The MySQL general log is not exported: it holds every statement with its data. The audit log records connections and schema changes (production exports audit, error and slowquery; development the error log only, for cost). An environment may opt in through database.logExports.",
  ),
  ...accept(
    ["FSBP EC2.10"],
    "aws_vpc",
    "Nothing in these VPCs calls the EC2 API (Lambda manages the function's network interfaces from outside the VPC); an EC2 interface endpoint would carry no traffic.",
  ),
];

/** The checks a secret without rotation fails. */
const ROTATION_CHECK_IDS = ["CKV2_AWS_57", "FSBP SecretsManager.1", "FSBP SecretsManager.4"];

/**
 * The failures the environment's configuration accepts itself, each for one resource
 * and with the environment's reason: a secret that records why it is not rotated (its
 * `RotationExemption` tag, from the key/value secret's `rotation: { kind: "none", reason }`)
 * is excused the rotation checks.
 */
function statedExceptions(stack: StackJson): CheckException[] {
  return resourcesOfType(stack, "aws_secretsmanager_secret").flatMap(({ address, resource }) => {
    const reason = block(resource.tags)?.[ROTATION_EXEMPTION_TAG];
    if (typeof reason !== "string") return [];
    const exactly = new RegExp(`^${address.replace(/\./g, "\\.")}$`);
    return accept(ROTATION_CHECK_IDS, "aws_secretsmanager_secret", `Not rotated, as the environment states: ${reason}.`, exactly);
  });
}

/** The failures an environment of the tier accepts in its stack. */
export function acceptedFailures(tier: Tier, stack: StackJson): readonly CheckException[] {
  return [...NOT_APPLICABLE, ...(tier === "development" ? DEVELOPMENT_EXCEPTIONS : []), ...statedExceptions(stack)];
}
