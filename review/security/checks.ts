/**
 * The security checks, as data: Checkov's AWS Terraform checks (`CKV_AWS_*`, and the
 * graph checks `CKV2_AWS_*` that look at connected resources) and AWS Security Hub
 * controls, each re-encoded as a predicate over one synthesized resource (snake_case
 * attributes as in `cdk.tf.json`) and, for graph checks, the whole stack.
 *
 * Ids: `CKV_AWS_n` / `CKV2_AWS_n` are Checkov's; `FSBP X.n` are controls of Security
 * Hub's AWS Foundational Security Best Practices standard; `SecurityHub X.n` are Security
 * Hub controls that are only in its other standards (CIS, NIST SP 800-53, PCI DSS).
 *
 * Facts (ids, titles, what is tested, parameter defaults) come from Checkov's check
 * sources (checkov/terraform/checks/{resource,graph_checks}/aws) and Security Hub's control
 * reference. Where Checkov cannot decide (a value that is a Terraform expression) these
 * predicates fail rather than pass: a value that cannot be verified is a finding. Where a
 * predicate deliberately differs from Checkov, its doc says how.
 */
import {
  allowsAnyPrincipalUnconditionally,
  grants,
  grantsAnyUnconstrained,
  hasCondition,
  isPublicStatement,
  onAllResources,
  statementsOf,
  unconstrainedAllows,
  type Statement,
} from "./policy";
import {
  block,
  blocks,
  booleanOf,
  isExpression,
  isSet,
  list,
  mentions,
  numberOf,
  referencing,
  resolve,
  resourcesOfType,
  type Located,
  type Resource,
  type StackJson,
  zoneOfSubnetId,
} from "../terraform-json";

/** A check as one source publishes it. */
export interface CheckId {
  /** `CKV_AWS_16`, `CKV2_AWS_57`, `FSBP RDS.3`, `SecurityHub KMS.4`. */
  readonly id: string;
  /** The check's title as its source words it. */
  readonly title: string;
}

/** One check: applies to every resource of `resourceType` for which `applies` is true (default: all). */
export interface SecurityCheck {
  /**
   * The ids it is published under: one, or several when Checkov and Security Hub test the
   * same predicate (one entry, so one result and one exception, for what is one finding).
   */
  readonly ids: readonly CheckId[];
  /** Terraform resource type the check inspects. */
  readonly resourceType: string;
  /** Whether the check is meaningful for this resource (e.g. engine-specific checks). */
  applies?(resource: Resource, stack: StackJson, self: Located): boolean;
  /** Whether the resource complies. `self` locates the resource for graph checks. */
  passes(resource: Resource, stack: StackJson, self: Located): boolean;
}

type Predicate = SecurityCheck["passes"];

// ---------------------------------------------------------------------------------------
// Shared predicates
// ---------------------------------------------------------------------------------------

/** A policy attribute whose statements satisfy `ok`; an uninspectable policy fails. */
function policyWhere(attribute: string, ok: (statements: Statement[]) => boolean, whenAbsent = false): Predicate {
  return (r) => {
    if (!isSet(r[attribute])) return whenAbsent;
    const statements = statementsOf(r[attribute]);
    return statements !== undefined && ok(statements);
  };
}

/** The rotation resources of a secret (their `secret_id` refers to it). */
function rotationsOf(stack: StackJson, secret: Located): Resource[] {
  return referencing(stack, "aws_secretsmanager_secret_rotation", "secret_id", secret).map((r) => r.resource);
}

/**
 * Whether rotation rules rotate at least every 90 days, as Checkov's CKV_AWS_304 reads
 * them: `automatically_after_days` ≤ 90, a `rate()` of at most 90 days, or any `cron()`.
 */
function rotatesWithin90Days(rotation: Resource): boolean {
  const rules = block(rotation.rotation_rules);
  if (!rules) return false;
  const days = numberOf(rules.automatically_after_days);
  if (days !== undefined) return days >= 1 && days <= 90;
  const expression = rules.schedule_expression;
  if (typeof expression !== "string") return false;
  if (expression.startsWith("cron(")) return true;
  const rate = /^rate\((\d+)\s+(day|hour|minute)s?\)$/.exec(expression);
  if (!rate) return false;
  const minutesPerUnit = { day: 1440, hour: 60, minute: 1 }[rate[2] as "day" | "hour" | "minute"];
  return Number(rate[1]) * minutesPerUnit <= 90 * 1440;
}

/** A literal `true`. */
const isTrue = (value: unknown): boolean => booleanOf(value) === true;
/** Not a literal `true` (absent means the provider default, false). */
const notTrue = (value: unknown): boolean => booleanOf(value) !== true && !isExpression(value);

// ---------------------------------------------------------------------------------------
// KMS
// ---------------------------------------------------------------------------------------

const isSymmetricKey = (r: Resource): boolean =>
  r.customer_master_key_spec === undefined || r.customer_master_key_spec === "SYMMETRIC_DEFAULT";

const KMS_KEY_CHECKS: SecurityCheck[] = [
  {
    ids: [
      { id: "CKV_AWS_7", title: "Ensure rotation for customer created CMKs is enabled" },
      { id: "SecurityHub KMS.4", title: "AWS KMS key rotation should be enabled" },
    ],
    resourceType: "aws_kms_key",
    applies: isSymmetricKey,
    passes: (r) => isTrue(r.enable_key_rotation),
  },
  {
    ids: [{ id: "CKV_AWS_33", title: "Ensure KMS key policy does not contain wildcard (*) principal" }],
    resourceType: "aws_kms_key",
    passes: policyWhere("policy", (s) => !allowsAnyPrincipalUnconditionally(s), true),
  },
  {
    ids: [{ id: "CKV_AWS_227", title: "Ensure KMS key is enabled" }],
    resourceType: "aws_kms_key",
    passes: (r) => r.is_enabled === undefined || isTrue(r.is_enabled),
  },
  {
    ids: [{ id: "CKV2_AWS_64", title: "Ensure KMS key Policy is defined" }],
    resourceType: "aws_kms_key",
    passes: (r, stack, self) => isSet(r.policy) || referencing(stack, "aws_kms_key_policy", "key_id", self).length > 0,
  },
  {
    // Without a policy the key gets the default policy (the account only), which is not public.
    ids: [{ id: "FSBP KMS.5", title: "KMS keys should not be publicly accessible" }],
    resourceType: "aws_kms_key",
    passes: policyWhere("policy", (s) => !s.some(isPublicStatement), true),
  },
];

// ---------------------------------------------------------------------------------------
// CloudWatch Logs and alarms
// ---------------------------------------------------------------------------------------

const LOG_GROUP_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_158", title: "Ensure that CloudWatch Log Group is encrypted by KMS" }],
    resourceType: "aws_cloudwatch_log_group",
    passes: (r) => isSet(r.kms_key_id),
  },
  {
    ids: [{ id: "CKV_AWS_66", title: "Ensure that CloudWatch Log Group specifies retention days" }],
    resourceType: "aws_cloudwatch_log_group",
    passes: (r) => isSet(r.retention_in_days),
  },
  {
    // 0 means "never expire".
    ids: [{ id: "CKV_AWS_338", title: "Ensure CloudWatch log groups retains logs for at least 1 year" }],
    resourceType: "aws_cloudwatch_log_group",
    passes: (r) => {
      const days = numberOf(r.retention_in_days);
      return days !== undefined && (days === 0 || days >= 365);
    },
  },
];

const ALARM_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_319", title: "Ensure that CloudWatch alarm actions are enabled" }],
    resourceType: "aws_cloudwatch_metric_alarm",
    passes: (r) => booleanOf(r.actions_enabled) !== false,
  },
  {
    ids: [{ id: "SecurityHub CloudWatch.15", title: "CloudWatch alarms should have specified actions configured" }],
    resourceType: "aws_cloudwatch_metric_alarm",
    passes: (r) => list(r.alarm_actions).length > 0,
  },
];

// ---------------------------------------------------------------------------------------
// Secrets Manager
// ---------------------------------------------------------------------------------------

const SECRET_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_149", title: "Ensure that Secrets Manager secret is encrypted using KMS CMK" }],
    resourceType: "aws_secretsmanager_secret",
    passes: (r) => typeof r.kms_key_id === "string" && r.kms_key_id !== "" && !r.kms_key_id.includes("aws/"),
  },
  {
    ids: [{ id: "CKV2_AWS_57", title: "Ensure Secrets Manager secrets should have automatic rotation enabled" }],
    resourceType: "aws_secretsmanager_secret",
    passes: (_r, stack, self) => rotationsOf(stack, self).length > 0,
  },
  {
    ids: [{ id: "FSBP SecretsManager.1", title: "Secrets Manager secrets should have automatic rotation enabled" }],
    resourceType: "aws_secretsmanager_secret",
    passes: (_r, stack, self) => rotationsOf(stack, self).some((rotation) => block(rotation.rotation_rules) !== undefined),
  },
  {
    // The control checks the last rotation date (at most 90 days ago); statically, the
    // schedule must rotate at least that often.
    ids: [{ id: "FSBP SecretsManager.4", title: "Secrets Manager secrets should be rotated within a specified number of days" }],
    resourceType: "aws_secretsmanager_secret",
    passes: (_r, stack, self) => rotationsOf(stack, self).some(rotatesWithin90Days),
  },
];

const SECRET_ROTATION_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_304", title: "Ensure Secrets Manager secrets should be rotated within 90 days" }],
    resourceType: "aws_secretsmanager_secret_rotation",
    passes: rotatesWithin90Days,
  },
];

// ---------------------------------------------------------------------------------------
// RDS DB instances
// ---------------------------------------------------------------------------------------

const MYSQL_FAMILY = ["mysql", "mariadb"];
const POSTGRES = ["postgres"];

/** Log types FSBP RDS.9 expects per engine (Security Hub's list). */
const RDS_LOG_TYPES: Readonly<Record<string, readonly string[]>> = {
  mysql: ["audit", "error", "general", "slowquery"],
  mariadb: ["audit", "error", "general", "slowquery"],
  postgres: ["postgresql", "upgrade"],
  "oracle-ee": ["alert", "audit", "trace", "listener"],
  "oracle-se2": ["alert", "audit", "trace", "listener"],
  "sqlserver-ee": ["error", "agent"],
  "sqlserver-se": ["error", "agent"],
  "sqlserver-ex": ["error", "agent"],
  "sqlserver-web": ["error", "agent"],
};

/** Default ports of the engines (FSBP RDS.23). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
  "oracle-ee": 1521,
  "oracle-se2": 1521,
  "sqlserver-ee": 1433,
  "sqlserver-se": 1433,
  "sqlserver-ex": 1433,
  "sqlserver-web": 1433,
};

/** Default master user names (the Config rule behind FSBP RDS.25). */
const DEFAULT_ADMIN_USERNAMES = ["admin", "postgres"];

/** Instance classes without Performance Insights for MySQL and MariaDB (Checkov's CKV_AWS_353 exemption). */
const NO_PERFORMANCE_INSIGHTS_CLASSES = ["db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"];

/** The parameter that refuses unencrypted connections, and its required value, per parameter group family. */
const TLS_PARAMETERS: readonly { family: RegExp; name: string; values: readonly string[] }[] = [
  { family: /^(mysql|mariadb)/, name: "require_secure_transport", values: ["1", "ON"] },
  { family: /^(postgres|sqlserver)/, name: "rds.force_ssl", values: ["1"] },
];

const engineOf = (r: Resource): string => (typeof r.engine === "string" ? r.engine : "");
const engineIn =
  (engines: readonly string[]) =>
  (r: Resource): boolean =>
    engines.includes(engineOf(r));

const enhancedMonitoring = (r: Resource): boolean => [1, 5, 10, 15, 30, 60].includes(numberOf(r.monitoring_interval) ?? 0);
const backupRetention = (r: Resource): number | undefined =>
  r.backup_retention_period === undefined ? 1 : numberOf(r.backup_retention_period);

/**
 * Whether the instance's parameter group (in the stack) forces TLS. Unlike Checkov's
 * CKV2_AWS_69, an instance without such a parameter group fails: the engines' default
 * parameter groups accept unencrypted connections.
 */
function forcesTls(r: Resource, stack: StackJson): boolean {
  const family = String(parameterGroupOf(r, stack)?.family ?? "");
  const rule = TLS_PARAMETERS.find((p) => p.family.test(family));
  return rule !== undefined && rule.values.includes(String(parameterValue(r, stack, rule.name)));
}

/** The instance's (or cluster's) parameter group, when it is a resource of the stack. */
function parameterGroupOf(r: Resource, stack: StackJson): Resource | undefined {
  const group = resolve(stack, r.parameter_group_name ?? r.db_cluster_parameter_group_name);
  return group?.type === "aws_db_parameter_group" || group?.type === "aws_rds_cluster_parameter_group"
    ? group.resource
    : undefined;
}

/** The value the instance's (or cluster's) parameter group in the stack gives a parameter, if any. */
function parameterValue(r: Resource, stack: StackJson, name: string): unknown {
  return blocks(parameterGroupOf(r, stack)?.parameter).find((p) => p.name === name)?.value;
}

/** Whether a PostgreSQL parameter group logs statements: sets `log_statement` and `log_min_duration_statement`. */
const logsQueries = (r: Resource, stack: StackJson): boolean =>
  ["log_statement", "log_min_duration_statement"].every((name) => parameterValue(r, stack, name) !== undefined);

/** CKV_AWS_133's backup policy: automated backups kept 1 to 35 days. */
const hasBackupPolicy = (r: Resource): boolean => {
  const days = backupRetention(r);
  return days !== undefined && days >= 1 && days <= 35;
};

/** Whether the master user name is not an engine's default (the Config rules behind FSBP RDS.24 and RDS.25). */
const customAdminUsername = (username: unknown): boolean =>
  typeof username === "string" && !isExpression(username) && !DEFAULT_ADMIN_USERNAMES.includes(username.toLowerCase());

/**
 * Checks of database instances: `aws_db_instance`, and `aws_rds_cluster_instance` (an
 * Aurora cluster's instances are DB instances to Security Hub, and Checkov's checks list
 * both types).
 */
function instanceChecks(type: string): SecurityCheck[] {
  return [
    {
      ids: [
        { id: "CKV_AWS_17", title: "Ensure all data stored in RDS is not publicly accessible" },
        { id: "FSBP RDS.2", title: "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration" },
      ],
      resourceType: type,
      passes: (r) => notTrue(r.publicly_accessible),
    },
    {
      ids: [{ id: "CKV_AWS_118", title: "Ensure that enhanced monitoring is enabled for Amazon RDS instances" }],
      resourceType: type,
      passes: enhancedMonitoring,
    },
    {
      ids: [{ id: "FSBP RDS.6", title: "Enhanced monitoring should be configured for RDS DB instances" }],
      resourceType: type,
      passes: (r) => enhancedMonitoring(r) && isSet(r.monitoring_role_arn),
    },
    {
      // Checkov requires the attribute to be set explicitly.
      ids: [{ id: "CKV_AWS_226", title: "Ensure DB instance gets all minor upgrades automatically" }],
      resourceType: type,
      passes: (r) => isTrue(r.auto_minor_version_upgrade),
    },
    {
      ids: [{ id: "FSBP RDS.13", title: "RDS automatic minor version upgrades should be enabled" }],
      resourceType: type,
      passes: (r) => booleanOf(r.auto_minor_version_upgrade) !== false && !isExpression(r.auto_minor_version_upgrade),
    },
    {
      ids: [{ id: "CKV_AWS_353", title: "Ensure that RDS instances have performance insights enabled" }],
      resourceType: type,
      applies: (r) =>
        !(engineIn(MYSQL_FAMILY)(r) && NO_PERFORMANCE_INSIGHTS_CLASSES.includes(String(r.instance_class))) &&
        !engineOf(r).startsWith("db2"),
      passes: (r) => isTrue(r.performance_insights_enabled),
    },
    {
      ids: [{ id: "CKV_AWS_354", title: "Ensure RDS Performance Insights are encrypted using KMS CMKs" }],
      resourceType: type,
      passes: (r) => !isTrue(r.performance_insights_enabled) || isSet(r.performance_insights_kms_key_id),
    },
  ];
}

const DB_INSTANCE_CHECKS: SecurityCheck[] = [
  ...instanceChecks("aws_db_instance"),
  {
    ids: [
      { id: "CKV_AWS_16", title: "Ensure all data stored in the RDS is securely encrypted at rest" },
      { id: "FSBP RDS.3", title: "RDS DB instances should have encryption at-rest enabled" },
    ],
    resourceType: "aws_db_instance",
    passes: (r) => isTrue(r.storage_encrypted),
  },
  {
    ids: [{ id: "CKV_AWS_129", title: "Ensure that respective logs of Amazon Relational Database Service (Amazon RDS) are enabled" }],
    resourceType: "aws_db_instance",
    passes: (r) => list(r.enabled_cloudwatch_logs_exports).length > 0,
  },
  {
    ids: [{ id: "FSBP RDS.9", title: "RDS DB instances should publish logs to CloudWatch Logs" }],
    resourceType: "aws_db_instance",
    applies: (r) => engineOf(r) in RDS_LOG_TYPES,
    passes: (r) => {
      const exported = list(r.enabled_cloudwatch_logs_exports);
      return RDS_LOG_TYPES[engineOf(r)].every((logType) => exported.includes(logType));
    },
  },
  {
    ids: [{ id: "CKV_AWS_133", title: "Ensure that RDS instances has backup policy" }],
    resourceType: "aws_db_instance",
    passes: hasBackupPolicy,
  },
  {
    ids: [{ id: "FSBP RDS.11", title: "RDS instances should have automatic backups enabled" }],
    resourceType: "aws_db_instance",
    passes: (r) => (backupRetention(r) ?? 0) >= 7,
  },
  {
    ids: [
      { id: "CKV_AWS_157", title: "Ensure that RDS instances have Multi-AZ enabled" },
      { id: "FSBP RDS.5", title: "RDS DB instances should be configured with multiple Availability Zones" },
    ],
    resourceType: "aws_db_instance",
    passes: (r) => isTrue(r.multi_az),
  },
  {
    ids: [{ id: "CKV_AWS_161", title: "Ensure RDS database has IAM authentication enabled" }],
    resourceType: "aws_db_instance",
    applies: engineIn(["mysql", "postgres"]),
    passes: (r) => isTrue(r.iam_database_authentication_enabled),
  },
  {
    ids: [{ id: "FSBP RDS.10", title: "IAM authentication should be configured for RDS instances" }],
    resourceType: "aws_db_instance",
    applies: engineIn([...MYSQL_FAMILY, ...POSTGRES]),
    passes: (r) => isTrue(r.iam_database_authentication_enabled),
  },
  {
    // An unset ca_cert_identifier gets RDS's current default CA.
    ids: [{ id: "CKV_AWS_211", title: "Ensure RDS uses a modern CaCert" }],
    resourceType: "aws_db_instance",
    passes: (r) =>
      r.ca_cert_identifier === undefined ||
      ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"].includes(String(r.ca_cert_identifier)),
  },
  {
    ids: [
      { id: "CKV_AWS_293", title: "Ensure that AWS database instances have deletion protection enabled" },
      { id: "FSBP RDS.8", title: "RDS DB instances should have deletion protection enabled" },
    ],
    resourceType: "aws_db_instance",
    passes: (r) => isTrue(r.deletion_protection),
  },
  {
    ids: [
      { id: "CKV2_AWS_60", title: "Ensure RDS instance with copy tags to snapshots is enabled" },
      { id: "FSBP RDS.17", title: "RDS DB instances should be configured to copy tags to snapshots" },
    ],
    resourceType: "aws_db_instance",
    passes: (r) => isTrue(r.copy_tags_to_snapshot),
  },
  {
    ids: [{ id: "CKV2_AWS_69", title: "Ensure AWS RDS database instance configured with encryption in transit" }],
    resourceType: "aws_db_instance",
    applies: engineIn([...MYSQL_FAMILY, ...POSTGRES]),
    passes: (r, stack) => forcesTls(r, stack),
  },
  {
    // Checkov's graph definition combines its conditions with "or" and so passes any
    // instance; this encodes what it is named for.
    ids: [{ id: "CKV2_AWS_30", title: "Ensure Postgres RDS as aws_db_instance has Query Logging enabled" }],
    resourceType: "aws_db_instance",
    applies: engineIn(POSTGRES),
    passes: logsQueries,
  },
  {
    ids: [{ id: "FSBP RDS.18", title: "RDS instances should be deployed in a VPC" }],
    resourceType: "aws_db_instance",
    passes: (r) => isSet(r.db_subnet_group_name),
  },
  {
    ids: [{ id: "FSBP RDS.23", title: "RDS instances should not use a database engine default port" }],
    resourceType: "aws_db_instance",
    applies: (r) => engineOf(r) in DEFAULT_PORTS,
    passes: (r) => {
      const port = numberOf(r.port);
      return port !== undefined && port !== DEFAULT_PORTS[engineOf(r)];
    },
  },
  {
    ids: [{ id: "FSBP RDS.25", title: "RDS database instances should use a custom administrator username" }],
    resourceType: "aws_db_instance",
    passes: (r) => customAdminUsername(r.username),
  },
];

/** The instances of an Aurora cluster (their `cluster_identifier` refers to it). */
const clusterInstances = (stack: StackJson, cluster: Located): Located[] =>
  referencing(stack, "aws_rds_cluster_instance", "cluster_identifier", cluster);

const AURORA_MYSQL = ["aurora", "aurora-mysql"];

const DB_CLUSTER_CHECKS: SecurityCheck[] = [
  {
    // Checkov passes a serverless (v1) cluster, which is always encrypted.
    ids: [
      { id: "CKV_AWS_96", title: "Ensure all data stored in Aurora is securely encrypted at rest" },
      { id: "FSBP RDS.27", title: "RDS DB clusters should be encrypted at rest" },
    ],
    resourceType: "aws_rds_cluster",
    passes: (r) => isTrue(r.storage_encrypted) || r.engine_mode === "serverless",
  },
  {
    ids: [{ id: "CKV_AWS_327", title: "Ensure RDS Clusters are encrypted using KMS CMKs" }],
    resourceType: "aws_rds_cluster",
    passes: (r) => isSet(r.kms_key_id),
  },
  {
    ids: [
      { id: "CKV_AWS_139", title: "Ensure that RDS clusters have deletion protection enabled" },
      { id: "FSBP RDS.7", title: "RDS clusters should have deletion protection enabled" },
    ],
    resourceType: "aws_rds_cluster",
    passes: (r) => isTrue(r.deletion_protection),
  },
  {
    ids: [
      { id: "CKV_AWS_162", title: "Ensure RDS cluster has IAM authentication enabled" },
      { id: "FSBP RDS.12", title: "IAM authentication should be configured for RDS clusters" },
    ],
    resourceType: "aws_rds_cluster",
    passes: (r) => isTrue(r.iam_database_authentication_enabled),
  },
  {
    ids: [{ id: "CKV_AWS_324", title: "Ensure that RDS Cluster log capture is enabled" }],
    resourceType: "aws_rds_cluster",
    passes: (r) => list(r.enabled_cloudwatch_logs_exports).length > 0,
  },
  {
    ids: [{ id: "CKV_AWS_325", title: "Ensure that RDS Cluster audit logging is enabled for MySQL engine" }],
    resourceType: "aws_rds_cluster",
    applies: engineIn([...AURORA_MYSQL, "mysql"]),
    passes: (r) => list(r.enabled_cloudwatch_logs_exports).includes("audit"),
  },
  {
    ids: [{ id: "FSBP RDS.34", title: "Aurora MySQL DB clusters should publish audit logs to CloudWatch Logs" }],
    resourceType: "aws_rds_cluster",
    applies: engineIn(["aurora-mysql"]),
    passes: (r) => list(r.enabled_cloudwatch_logs_exports).includes("audit"),
  },
  {
    ids: [
      { id: "CKV_AWS_326", title: "Ensure that RDS Aurora Clusters have backtracking enabled" },
      { id: "FSBP RDS.14", title: "Amazon Aurora clusters should have backtracking enabled" },
    ],
    resourceType: "aws_rds_cluster",
    applies: engineIn(AURORA_MYSQL),
    passes: (r) => (numberOf(r.backtrack_window) ?? 0) > 0,
  },
  {
    ids: [
      { id: "CKV_AWS_313", title: "Ensure RDS cluster configured to copy tags to snapshots" },
      { id: "FSBP RDS.16", title: "RDS DB clusters should be configured to copy tags to snapshots" },
    ],
    resourceType: "aws_rds_cluster",
    passes: (r) => isTrue(r.copy_tags_to_snapshot),
  },
  {
    ids: [{ id: "CKV_AWS_133", title: "Ensure that RDS instances has backup policy" }],
    resourceType: "aws_rds_cluster",
    passes: hasBackupPolicy,
  },
  {
    // For Aurora, Multi-AZ means instances in more than one zone: RDS places a cluster's
    // instances in different zones of its subnet group.
    ids: [{ id: "FSBP RDS.15", title: "RDS DB clusters should be configured for multiple Availability Zones" }],
    resourceType: "aws_rds_cluster",
    passes: (r, stack, self) => isTrue(r.multi_az) || clusterInstances(stack, self).length >= 2,
  },
  {
    ids: [{ id: "FSBP RDS.24", title: "RDS Database clusters should use a custom administrator username" }],
    resourceType: "aws_rds_cluster",
    passes: (r) => customAdminUsername(r.master_username),
  },
  {
    ids: [{ id: "CKV2_AWS_27", title: "Ensure Postgres RDS as aws_rds_cluster has Query Logging enabled" }],
    resourceType: "aws_rds_cluster",
    applies: engineIn(["aurora-postgresql"]),
    passes: logsQueries,
  },
];

const CLUSTER_INSTANCE_CHECKS: SecurityCheck[] = instanceChecks("aws_rds_cluster_instance");

// ---------------------------------------------------------------------------------------
// Lambda
// ---------------------------------------------------------------------------------------

/** Runtimes Checkov's CKV_AWS_363 reports as deprecated. */
const DEPRECATED_RUNTIMES = [
  "dotnetcore3.1", "nodejs12.x", "python3.6", "python2.7", "dotnet5.0", "dotnetcore2.1", "ruby2.5", "nodejs10.x",
  "nodejs8.10", "nodejs4.3", "nodejs6.10", "dotnetcore1.0", "dotnetcore2.0", "nodejs4.3-edge", "nodejs", "java8",
  "python3.7", "go1.x", "provided", "ruby2.7", "nodejs14.x", "nodejs16.x", "python3.9", "dotnet7", "dotnet6",
];

/**
 * Runtimes FSBP Lambda.2 accepts: those Lambda supports (not deprecated) per its runtime
 * support policy when this list was written. Update it when Lambda deprecates a runtime.
 */
const SUPPORTED_RUNTIMES = [
  "nodejs22.x", "nodejs24.x", "python3.11", "python3.12", "python3.13", "java17", "java21", "dotnet8", "ruby3.3",
  "ruby3.4", "provided.al2023",
];

/** AWS access keys, secret keys and private keys, as Checkov's secret patterns (AWS and general) find them. */
const SECRET_PATTERNS = [
  /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/,
  /(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}/,
  /-----BEGIN (RSA|EC|DSA|OPENSSH|PGP)? ?PRIVATE KEY-----/,
];

const vpcConfigOf = (r: Resource): Resource | undefined => block(r.vpc_config);

/** Availability zones of the function's subnets; a subnet outside the stack counts as its own zone. */
function functionZones(r: Resource, stack: StackJson): Set<string> {
  const zones = new Set<string>();
  for (const subnetId of list(vpcConfigOf(r)?.subnet_ids)) zones.add(zoneOfSubnetId(stack, subnetId) ?? String(subnetId));
  return zones;
}

const isServicePrincipal = (principal: unknown): boolean =>
  typeof principal === "string" && /\.amazonaws\.com(\.cn)?$/.test(principal);

const LAMBDA_FUNCTION_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_45", title: "Ensure no hard-coded secrets exist in lambda environment" }],
    resourceType: "aws_lambda_function",
    passes: (r) => {
      const variables = block(block(r.environment)?.variables) ?? {};
      return Object.values(variables).every(
        (value) => typeof value !== "string" || isExpression(value) || !SECRET_PATTERNS.some((p) => p.test(value)),
      );
    },
  },
  {
    ids: [{ id: "CKV_AWS_50", title: "X-Ray tracing is enabled for Lambda" }],
    resourceType: "aws_lambda_function",
    passes: (r) => ["Active", "PassThrough"].includes(String(block(r.tracing_config)?.mode)),
  },
  {
    ids: [{ id: "CKV_AWS_115", title: "Ensure that AWS Lambda function is configured for function-level concurrent execution limit" }],
    resourceType: "aws_lambda_function",
    passes: (r) => {
      const reserved = numberOf(r.reserved_concurrent_executions);
      return reserved !== undefined && reserved >= 0;
    },
  },
  {
    ids: [{ id: "CKV_AWS_116", title: "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)" }],
    resourceType: "aws_lambda_function",
    passes: (r) => isSet(block(r.dead_letter_config)?.target_arn),
  },
  {
    ids: [{ id: "CKV_AWS_117", title: "Ensure that AWS Lambda function is configured inside a VPC" }],
    resourceType: "aws_lambda_function",
    passes: (r) => list(vpcConfigOf(r)?.subnet_ids).length > 0 && list(vpcConfigOf(r)?.security_group_ids).length > 0,
  },
  {
    ids: [{ id: "CKV_AWS_173", title: "Check encryption settings for Lambda environmental variable" }],
    resourceType: "aws_lambda_function",
    applies: (r) => block(r.environment) !== undefined,
    passes: (r) => isSet(r.kms_key_arn),
  },
  {
    ids: [{ id: "CKV_AWS_272", title: "Ensure AWS Lambda function is configured to validate code-signing" }],
    resourceType: "aws_lambda_function",
    passes: (r) => isSet(r.code_signing_config_arn),
  },
  {
    ids: [{ id: "CKV_AWS_363", title: "Ensure Lambda Runtime is not deprecated" }],
    resourceType: "aws_lambda_function",
    applies: (r) => r.runtime !== undefined,
    passes: (r) => !DEPRECATED_RUNTIMES.includes(String(r.runtime)),
  },
  {
    ids: [{ id: "FSBP Lambda.2", title: "Lambda functions should use supported runtimes" }],
    resourceType: "aws_lambda_function",
    applies: (r) => r.runtime !== undefined,
    passes: (r) => SUPPORTED_RUNTIMES.includes(String(r.runtime)),
  },
  {
    ids: [{ id: "FSBP Lambda.5", title: "VPC Lambda functions should operate in multiple Availability Zones" }],
    resourceType: "aws_lambda_function",
    applies: (r) => vpcConfigOf(r) !== undefined,
    passes: (r, stack) => functionZones(r, stack).size >= 2,
  },
];

const LAMBDA_PERMISSION_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_301", title: "Ensure that AWS Lambda function is not publicly accessible" }],
    resourceType: "aws_lambda_permission",
    passes: (r) => r.principal !== "*",
  },
  {
    ids: [{ id: "CKV_AWS_364", title: "Ensure that AWS Lambda function permissions delegated to AWS services are limited by SourceArn or SourceAccount" }],
    resourceType: "aws_lambda_permission",
    applies: (r) => isServicePrincipal(r.principal),
    passes: (r) => isSet(r.source_arn) || isSet(r.source_account),
  },
  {
    // A service principal without SourceAccount/SourceArn lets any account's resources invoke.
    ids: [{ id: "FSBP Lambda.1", title: "Lambda function policies should prohibit public access" }],
    resourceType: "aws_lambda_permission",
    passes: (r) =>
      r.principal !== "*" && (!isServicePrincipal(r.principal) || isSet(r.source_arn) || isSet(r.source_account)),
  },
];

// ---------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------

/**
 * Actions that support no resource-level permissions (Resource must be `*`), per the
 * Service Authorization Reference; cloudsplaining does not flag them as unconstrained.
 * Only actions this project may need are listed.
 */
const UNRESTRICTABLE_ACTIONS = [
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeVpcs",
  "secretsmanager:GetRandomPassword",
  "secretsmanager:ListSecrets",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "cloudwatch:PutMetricData",
  "sts:GetCallerIdentity",
].map((a) => a.toLowerCase());

/** Read-only actions cloudsplaining flags as data exfiltration when unconstrained. */
const DATA_EXFILTRATION_ACTIONS = [
  "s3:GetObject",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "secretsmanager:GetSecretValue",
];

/** Actions that return credentials (cloudsplaining's list, the services that matter here). */
const CREDENTIALS_EXPOSURE_ACTIONS = [
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateAccessKey",
  "iam:CreateServiceSpecificCredential",
  "iam:ResetServiceSpecificCredential",
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:GetFederationToken",
  "sts:GetSessionToken",
  "ecr:GetAuthorizationToken",
  "ec2:GetPasswordData",
  "rds-db:connect",
  "redshift:GetClusterCredentials",
  "sso:GetRoleCredentials",
];

/** Permissions-management actions: they change who may do what (cloudsplaining's "resource exposure"). */
const PERMISSIONS_MANAGEMENT_ACTIONS = [
  "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy",
  "iam:PutGroupPolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy",
  "iam:PassRole", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary",
  "kms:CreateGrant", "kms:PutKeyPolicy", "kms:RevokeGrant", "secretsmanager:PutResourcePolicy",
  "secretsmanager:DeleteResourcePolicy", "lambda:AddPermission", "lambda:RemovePermission", "sns:AddPermission",
  "sns:SetTopicAttributes", "sqs:AddPermission", "sqs:SetQueueAttributes", "s3:PutBucketPolicy", "s3:PutBucketAcl",
  "logs:PutResourcePolicy", "events:PutPermission", "ecr:SetRepositoryPolicy", "rds:ModifyDBSnapshotAttribute",
  "ec2:ModifySnapshotAttribute", "ram:CreateResourceShare",
];

/** Combinations of actions that let a principal escalate its privileges (Rhino Security Labs, via cloudsplaining). */
const PRIVILEGE_ESCALATIONS: readonly (readonly string[])[] = [
  ["iam:CreateAccessKey"],
  ["iam:CreateLoginProfile"],
  ["iam:UpdateLoginProfile"],
  ["iam:AddUserToGroup"],
  ["iam:CreatePolicyVersion"],
  ["iam:SetDefaultPolicyVersion"],
  ["iam:AttachUserPolicy"],
  ["iam:AttachGroupPolicy"],
  ["iam:AttachRolePolicy"],
  ["iam:PutUserPolicy"],
  ["iam:PutGroupPolicy"],
  ["iam:PutRolePolicy"],
  ["iam:UpdateAssumeRolePolicy"],
  ["iam:PassRole", "ec2:RunInstances"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:AddPermission"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
  ["iam:PassRole", "cloudformation:CreateStack"],
  ["iam:PassRole", "glue:CreateDevEndpoint"],
  ["iam:PassRole", "datapipeline:CreatePipeline"],
  ["glue:UpdateDevEndpoint"],
  ["lambda:UpdateFunctionCode"],
];

const READ_VERBS = /^(Get|List|Describe|BatchGet|Head|Search|Lookup|Query|Scan|Select|View)/;

/** Action patterns of unconstrained Allow statements that name resource-restrictable actions. */
function unconstrainedRestrictable(statements: readonly Statement[]): string[] {
  return unconstrainedAllows(statements)
    .flatMap((s) => (s.notAction ? ["*"] : s.actions))
    .filter((action) => !UNRESTRICTABLE_ACTIONS.includes(action.toLowerCase()));
}

/**
 * Whether an action pattern may name a write-level action: `*`, `service:*`, or a name
 * without a read verb (an approximation of the access levels cloudsplaining looks up).
 */
const mayWrite = (action: string): boolean => {
  const name = action.split(":")[1] ?? "*";
  return name.startsWith("*") || !READ_VERBS.test(name);
};

/** Whether decryption is allowed on every KMS key (`*` or `key/*`), whatever the condition. */
const decryptsAllKeys = (statements: readonly Statement[]): boolean =>
  statements.some(
    (s) =>
      (grants(s, "kms:Decrypt") || grants(s, "kms:ReEncryptFrom")) &&
      (onAllResources(s) || s.resources.some((resource) => /:key\/\*$/.test(resource))),
  );

const allowsFullAdmin = (statements: readonly Statement[]): boolean =>
  statements.some((s) => s.effect === "Allow" && !s.notAction && s.actions.includes("*") && s.resources.includes("*"));

/**
 * Checks of identity policies; `type` is `aws_iam_policy` or `aws_iam_role_policy`.
 * `fullAdminIds`: the type's other ids for CKV_AWS_62's predicate (no `*` on `*`).
 */
function identityPolicyChecks(type: string, fullAdminIds: readonly CheckId[] = []): SecurityCheck[] {
  const policy = (ok: (statements: Statement[]) => boolean): Predicate => policyWhere("policy", ok);
  return [
    {
      ids: [
        { id: "CKV_AWS_62", title: 'Ensure IAM policies that allow full "*-*" administrative privileges are not created' },
        ...fullAdminIds,
      ],
      resourceType: type,
      passes: policy((s) => !allowsFullAdmin(s)),
    },
    {
      ids: [{ id: "CKV_AWS_63", title: 'Ensure no IAM policies documents allow "*" as a statement\'s actions' }],
      resourceType: type,
      passes: policy((s) => !s.some((st) => st.effect === "Allow" && (st.notAction || st.actions.includes("*")))),
    },
    {
      ids: [{ id: "CKV_AWS_286", title: "Ensure IAM policies does not allow privilege escalation" }],
      resourceType: type,
      passes: policy((s) => !PRIVILEGE_ESCALATIONS.some((combo) => combo.every((a) => grantsAnyUnconstrained(s, [a])))),
    },
    {
      ids: [{ id: "CKV_AWS_287", title: "Ensure IAM policies does not allow credentials exposure" }],
      resourceType: type,
      passes: policy((s) => !grantsAnyUnconstrained(s, CREDENTIALS_EXPOSURE_ACTIONS)),
    },
    {
      ids: [{ id: "CKV_AWS_288", title: "Ensure IAM policies does not allow data exfiltration" }],
      resourceType: type,
      passes: policy((s) => !grantsAnyUnconstrained(s, DATA_EXFILTRATION_ACTIONS)),
    },
    {
      ids: [{ id: "CKV_AWS_289", title: "Ensure IAM policies does not allow permissions management / resource exposure without constraints" }],
      resourceType: type,
      passes: policy((s) => !grantsAnyUnconstrained(s, PERMISSIONS_MANAGEMENT_ACTIONS)),
    },
    {
      ids: [{ id: "CKV_AWS_290", title: "Ensure IAM policies does not allow write access without constraints" }],
      resourceType: type,
      passes: policy((s) => !unconstrainedRestrictable(s).some(mayWrite)),
    },
    {
      ids: [{ id: "CKV_AWS_355", title: 'Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions' }],
      resourceType: type,
      passes: policy((s) => unconstrainedRestrictable(s).length === 0),
    },
    {
      ids: [{ id: "CKV2_AWS_40", title: "Ensure AWS IAM policy does not allow full IAM privileges" }],
      resourceType: type,
      passes: policy(
        (s) => !s.some((st) => st.effect === "Allow" && (st.notAction || st.actions.some((a) => a === "*" || a.toLowerCase() === "iam:*"))),
      ),
    },
  ];
}

const IAM_POLICY_CHECKS: SecurityCheck[] = [
  ...identityPolicyChecks("aws_iam_policy", [
    { id: "FSBP IAM.1", title: 'IAM policies should not allow full "*" administrative privileges' },
  ]),
  {
    ids: [{ id: "FSBP IAM.21", title: "IAM customer managed policies that you create should not allow wildcard actions for services" }],
    resourceType: "aws_iam_policy",
    passes: policyWhere(
      "policy",
      (s) => !s.some((st) => st.effect === "Allow" && (st.notAction || st.actions.some((a) => /^[\w-]+:\*$/.test(a) || a === "*"))),
    ),
  },
  {
    ids: [{ id: "FSBP KMS.1", title: "IAM customer managed policies should not allow decryption actions on all KMS keys" }],
    resourceType: "aws_iam_policy",
    passes: policyWhere("policy", (s) => !decryptsAllKeys(s)),
  },
];

const IAM_ROLE_POLICY_CHECKS: SecurityCheck[] = [
  ...identityPolicyChecks("aws_iam_role_policy"),
  {
    ids: [{ id: "FSBP KMS.2", title: "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys" }],
    resourceType: "aws_iam_role_policy",
    passes: policyWhere("policy", (s) => !decryptsAllKeys(s)),
  },
];

/** A trust-policy principal that is a whole account: a 12-digit ID or an account root ARN. */
const isAccountPrincipal = (principal: string): boolean => /^\d{12}$/.test(principal) || /:iam::[^:]*:root$/.test(principal);

const managedPolicyNamed = (name: string) => (arn: unknown): boolean =>
  typeof arn === "string" && arn.endsWith(`:policy/${name}`);
const mentionsPolicy = (name: string) => (arn: unknown): boolean => typeof arn === "string" && arn.includes(name);

const IAM_ROLE_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_60", title: "Ensure IAM role allows only specific services or principals to assume it" }],
    resourceType: "aws_iam_role",
    passes: policyWhere("assume_role_policy", (s) => !s.some((st) => st.effect === "Allow" && st.principal === "*")),
  },
  {
    ids: [{ id: "CKV_AWS_61", title: "Ensure AWS IAM policy does not allow assume role permission across all services" }],
    resourceType: "aws_iam_role",
    passes: policyWhere(
      "assume_role_policy",
      (s) =>
        !s.some(
          (st) =>
            st.effect === "Allow" && st.principal !== undefined && st.principal !== "*" && st.principal.aws.some(isAccountPrincipal),
        ),
    ),
  },
  {
    ids: [{ id: "CKV_AWS_274", title: "Disallow IAM roles, users, and groups from using the AWS AdministratorAccess policy" }],
    resourceType: "aws_iam_role",
    passes: (r) => !list(r.managed_policy_arns).some(managedPolicyNamed("AdministratorAccess")),
  },
  {
    ids: [{ id: "CKV2_AWS_56", title: "Ensure AWS Managed IAMFullAccess IAM policy is not used." }],
    resourceType: "aws_iam_role",
    passes: (r) => !list(r.managed_policy_arns).some(mentionsPolicy("IAMFullAccess")),
  },
];

const IAM_ATTACHMENT_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_274", title: "Disallow IAM roles, users, and groups from using the AWS AdministratorAccess policy" }],
    resourceType: "aws_iam_role_policy_attachment",
    passes: (r) => !managedPolicyNamed("AdministratorAccess")(r.policy_arn),
  },
  {
    ids: [{ id: "CKV2_AWS_56", title: "Ensure AWS Managed IAMFullAccess IAM policy is not used." }],
    resourceType: "aws_iam_role_policy_attachment",
    passes: (r) => !mentionsPolicy("IAMFullAccess")(r.policy_arn),
  },
];

// ---------------------------------------------------------------------------------------
// VPC: security groups, rules, default security group, subnets, route tables, the VPC
// ---------------------------------------------------------------------------------------

/** One security group or network ACL rule, normalized across inline blocks and standalone resources. */
interface Rule {
  /** `-1` (all), `tcp`, `udp`, `icmp`, or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** IPv4 and IPv6 CIDRs (referenced groups and prefix lists are not CIDRs). */
  readonly cidrs: readonly string[];
  readonly description: unknown;
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];

function ruleOf(raw: Resource): Rule {
  const protocol = String(raw.ip_protocol ?? raw.protocol ?? "-1").toLowerCase();
  const allPorts = protocol === "-1" || protocol === "all";
  const from = numberOf(raw.from_port);
  const to = numberOf(raw.to_port);
  return {
    protocol: allPorts ? "-1" : protocol === "6" ? "tcp" : protocol === "17" ? "udp" : protocol,
    fromPort: allPorts || from === undefined ? 0 : from,
    toPort: allPorts || to === undefined ? 65535 : from === 0 && to === 0 ? 65535 : to,
    cidrs: [
      ...list(raw.cidr_blocks),
      ...list(raw.ipv6_cidr_blocks),
      ...list(raw.cidr_ipv4),
      ...list(raw.cidr_ipv6),
      ...list(raw.cidr_block),
      ...list(raw.ipv6_cidr_block),
    ].map(String),
    description: raw.description,
  };
}

const isUnrestricted = (rule: Rule, cidrs: readonly string[] = ANYWHERE): boolean =>
  rule.cidrs.some((c) => cidrs.includes(c));
const coversPort = (rule: Rule, port: number): boolean =>
  (rule.protocol === "-1" || rule.protocol === "tcp" || rule.protocol === "udp") &&
  rule.fromPort <= port &&
  port <= rule.toPort;

/** Ingress (or egress) rules of a security group: inline blocks and standalone rule resources. */
function groupRules(stack: StackJson, group: Located, direction: "ingress" | "egress"): Rule[] {
  const inline = blocks(group.resource[direction]).map(ruleOf);
  const standalone = referencing(stack, `aws_vpc_security_group_${direction}_rule`, "security_group_id", group);
  const legacy = referencing(stack, "aws_security_group_rule", "security_group_id", group).filter(
    (r) => r.resource.type === direction,
  );
  return [...inline, ...[...standalone, ...legacy].map((r) => ruleOf(r.resource))];
}

/** Checkov's unrestricted-ingress family: port -1 means "all protocols and ports". */
function opensToWorld(rule: Rule, port: number): boolean {
  if (!isUnrestricted(rule)) return false;
  return port === -1 ? rule.protocol === "-1" || (rule.fromPort === 0 && rule.toPort === 65535) : coversPort(rule, port);
}

const UNRESTRICTED_INGRESS_PORTS: readonly { id: string; port: number; title: string }[] = [
  { id: "CKV_AWS_24", port: 22, title: "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22" },
  { id: "CKV_AWS_25", port: 3389, title: "Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389" },
  { id: "CKV_AWS_260", port: 80, title: "Ensure no security groups allow ingress from 0.0.0.0:0 to port 80" },
  { id: "CKV_AWS_277", port: -1, title: "Ensure no security groups allow ingress from 0.0.0.0:0 to port -1" },
];

/** FSBP EC2.19's high-risk ports. */
const HIGH_RISK_PORTS = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888,
  9200, 9300,
];
/** FSBP EC2.18's default authorized ports (TCP). */
const AUTHORIZED_PUBLIC_PORTS = [80, 443];

const SECURITY_GROUP_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_23", title: "Ensure every security group and rule has a description" }],
    resourceType: "aws_security_group",
    passes: (r) =>
      isSet(r.description) &&
      [...blocks(r.ingress), ...blocks(r.egress)].every((rule) => isSet(rule.description)),
  },
  ...UNRESTRICTED_INGRESS_PORTS.map(
    ({ id, port, title }): SecurityCheck => ({
      ids: [{ id, title }],
      resourceType: "aws_security_group",
      passes: (r) => !blocks(r.ingress).map(ruleOf).some((rule) => opensToWorld(rule, port)),
    }),
  ),
  {
    ids: [{ id: "CKV_AWS_382", title: "Ensure no security groups allow egress from 0.0.0.0:0 to port -1" }],
    resourceType: "aws_security_group",
    passes: (r) => !blocks(r.egress).map(ruleOf).some((rule) => opensToWorld(rule, -1)),
  },
  {
    // Resources that take security groups: anything else means the group is unused.
    ids: [{ id: "CKV2_AWS_5", title: "Ensure that Security Groups are attached to another resource" }],
    resourceType: "aws_security_group",
    passes: (_r, stack, self) =>
      [
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_lambda_function",
        "aws_vpc_endpoint",
        "aws_instance",
        "aws_launch_template",
        "aws_network_interface",
        "aws_lb",
        "aws_elasticache_cluster",
        "aws_ecs_service",
      ].some((type) => resourcesOfType(stack, type).some((user) => mentions(user.resource, self))),
  },
  {
    ids: [{ id: "FSBP EC2.18", title: "Security groups should only allow unrestricted incoming traffic for authorized ports" }],
    resourceType: "aws_security_group",
    passes: (_r, stack, self) =>
      groupRules(stack, self, "ingress")
        .filter((rule) => isUnrestricted(rule))
        .every((rule) => rule.protocol === "tcp" && rule.fromPort === rule.toPort && AUTHORIZED_PUBLIC_PORTS.includes(rule.fromPort)),
  },
  {
    ids: [{ id: "FSBP EC2.19", title: "Security groups should not allow unrestricted access to ports with high risk" }],
    resourceType: "aws_security_group",
    passes: (_r, stack, self) =>
      !groupRules(stack, self, "ingress").some(
        (rule) => isUnrestricted(rule) && HIGH_RISK_PORTS.some((port) => coversPort(rule, port)),
      ),
  },
  {
    ids: [{ id: "SecurityHub EC2.53", title: "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports" }],
    resourceType: "aws_security_group",
    passes: (_r, stack, self) =>
      !groupRules(stack, self, "ingress").some(
        (rule) => isUnrestricted(rule, ["0.0.0.0/0"]) && [22, 3389].some((port) => coversPort(rule, port)),
      ),
  },
  {
    ids: [{ id: "SecurityHub EC2.54", title: "EC2 security groups should not allow ingress from ::/0 to remote server administration ports" }],
    resourceType: "aws_security_group",
    passes: (_r, stack, self) =>
      !groupRules(stack, self, "ingress").some(
        (rule) => isUnrestricted(rule, ["::/0"]) && [22, 3389].some((port) => coversPort(rule, port)),
      ),
  },
];

const INGRESS_RULE_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_23", title: "Ensure every security group and rule has a description" }],
    resourceType: "aws_vpc_security_group_ingress_rule",
    passes: (r) => isSet(r.description),
  },
  ...UNRESTRICTED_INGRESS_PORTS.map(
    ({ id, port, title }): SecurityCheck => ({
      ids: [{ id, title }],
      resourceType: "aws_vpc_security_group_ingress_rule",
      passes: (r) => !opensToWorld(ruleOf(r), port),
    }),
  ),
];

const EGRESS_RULE_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV_AWS_23", title: "Ensure every security group and rule has a description" }],
    resourceType: "aws_vpc_security_group_egress_rule",
    passes: (r) => isSet(r.description),
  },
  {
    ids: [{ id: "CKV_AWS_382", title: "Ensure no security groups allow egress from 0.0.0.0:0 to port -1" }],
    resourceType: "aws_vpc_security_group_egress_rule",
    passes: (r) => !opensToWorld(ruleOf(r), -1),
  },
];

/** Whether a default security group has no rule at all (inline or standalone). */
const isLockedDown = (stack: StackJson, group: Located): boolean =>
  groupRules(stack, group, "ingress").length === 0 && groupRules(stack, group, "egress").length === 0;

const DEFAULT_SECURITY_GROUP_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "FSBP EC2.2", title: "VPC default security groups should not allow inbound or outbound traffic" }],
    resourceType: "aws_default_security_group",
    passes: (_r, stack, self) => isLockedDown(stack, self),
  },
];

const SUBNET_CHECKS: SecurityCheck[] = [
  {
    ids: [
      { id: "CKV_AWS_130", title: "Ensure VPC subnets do not assign public IP by default" },
      { id: "FSBP EC2.15", title: "Amazon EC2 subnets should not automatically assign public IP addresses" },
    ],
    resourceType: "aws_subnet",
    passes: (r) => notTrue(r.map_public_ip_on_launch),
  },
];

/** Routes of a route table: inline `route` blocks and standalone `aws_route` resources. */
function routesOf(stack: StackJson, table: Located): Resource[] {
  return [
    ...blocks(table.resource.route),
    ...referencing(stack, "aws_route", "route_table_id", table).map((r) => r.resource),
  ];
}
const isDefaultRoute = (route: Resource): boolean =>
  route.cidr_block === "0.0.0.0/0" || route.destination_cidr_block === "0.0.0.0/0";

const ROUTE_TABLE_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV2_AWS_35", title: "AWS NAT Gateways should be utilized for the default route" }],
    resourceType: "aws_route_table",
    passes: (_r, stack, self) =>
      !routesOf(stack, self).some((route) => isDefaultRoute(route) && (isSet(route.instance_id) || isSet(route.network_interface_id))),
  },
  {
    ids: [{ id: "CKV2_AWS_44", title: "Ensure AWS route table with VPC peering does not contain routes overly permissive to all traffic" }],
    resourceType: "aws_route_table",
    passes: (_r, stack, self) =>
      !routesOf(stack, self).some((route) => isDefaultRoute(route) && isSet(route.vpc_peering_connection_id)),
  },
];

/** Flow logs attached to a VPC. */
const flowLogsOf = (stack: StackJson, vpc: Located): Resource[] =>
  referencing(stack, "aws_flow_log", "vpc_id", vpc).map((r) => r.resource);

/** Network ACLs of a VPC: its adopted default ACL and the ACLs created in it. */
function networkAclsOf(stack: StackJson, vpc: Located): Located[] {
  return [
    ...referencing(stack, "aws_default_network_acl", "default_network_acl_id", vpc),
    ...referencing(stack, "aws_network_acl", "vpc_id", vpc),
  ];
}
function naclIngress(stack: StackJson, acl: Located): Rule[] {
  const inline = blocks(acl.resource.ingress).filter((e) => String(e.action).toLowerCase() === "allow");
  const standalone = referencing(stack, "aws_network_acl_rule", "network_acl_id", acl)
    .map((r) => r.resource)
    .filter((e) => !isTrue(e.egress) && String(e.rule_action).toLowerCase() === "allow");
  return [...inline, ...standalone].map(ruleOf);
}

const VPC_CHECKS: SecurityCheck[] = [
  {
    ids: [{ id: "CKV2_AWS_11", title: "Ensure VPC flow logging is enabled in all VPCs" }],
    resourceType: "aws_vpc",
    passes: (_r, stack, self) => flowLogsOf(stack, self).length > 0,
  },
  {
    ids: [{ id: "FSBP EC2.6", title: "VPC flow logging should be enabled in all VPCs" }],
    resourceType: "aws_vpc",
    passes: (_r, stack, self) => flowLogsOf(stack, self).some((log) => ["REJECT", "ALL"].includes(String(log.traffic_type))),
  },
  {
    ids: [{ id: "CKV2_AWS_12", title: "Ensure the default security group of every VPC restricts all traffic" }],
    resourceType: "aws_vpc",
    passes: (_r, stack, self) => {
      const defaults = referencing(stack, "aws_default_security_group", "vpc_id", self);
      return defaults.length > 0 && defaults.every((group) => isLockedDown(stack, group));
    },
  },
  {
    // A new VPC's default network ACL admits all traffic from 0.0.0.0/0 until it is adopted
    // (aws_default_network_acl) with narrower rules.
    ids: [{ id: "FSBP EC2.21", title: "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389" }],
    resourceType: "aws_vpc",
    passes: (_r, stack, self) => {
      const acls = networkAclsOf(stack, self);
      const adoptsDefault = acls.some((acl) => acl.type === "aws_default_network_acl");
      return (
        adoptsDefault &&
        !acls.some((acl) =>
          naclIngress(stack, acl).some((rule) => isUnrestricted(rule) && [22, 3389].some((port) => coversPort(rule, port))),
        )
      );
    },
  },
  {
    ids: [{ id: "FSBP EC2.10", title: "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service" }],
    resourceType: "aws_vpc",
    passes: (_r, stack, self) =>
      referencing(stack, "aws_vpc_endpoint", "vpc_id", self).some((e) => /\.ec2$/.test(String(e.resource.service_name))),
  },
];

/** Whether an Elastic IP is in use: on an instance, or held by a NAT gateway, a Transfer server or an association in the stack. */
const eipInUse = (r: Resource, stack: StackJson, self: Located): boolean =>
  isSet(r.instance) ||
  isSet(r.network_interface) ||
  ["aws_nat_gateway", "aws_eip_association", "aws_transfer_server", "aws_instance"].some((type) =>
    resourcesOfType(stack, type).some((user) => mentions(user.resource, self)),
  );

const EIP_CHECKS: SecurityCheck[] = [
  {
    // Checkov's graph follows connections to instances, associations, NAT gateways and
    // Transfer servers, and asks for an address of the VPC (`domain = "vpc"` or `vpc = true`).
    ids: [{ id: "CKV2_AWS_19", title: "Ensure that all EIP addresses allocated to a VPC are attached to EC2 instances" }],
    resourceType: "aws_eip",
    passes: (r, stack, self) => (r.domain === "vpc" || isTrue(r.vpc)) && eipInUse(r, stack, self),
  },
  {
    ids: [{ id: "SecurityHub EC2.12", title: "Unused Amazon EC2 EIPs should be removed" }],
    resourceType: "aws_eip",
    passes: eipInUse,
  },
];

// ---------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------

/** An Allow statement naming a specific account's IAM principal without any condition (CKV_AWS_385). */
const crossAccountWithoutCondition = (s: Statement): boolean =>
  s.effect === "Allow" &&
  s.principal !== undefined &&
  s.principal !== "*" &&
  s.principal.aws.some((p) => /^arn:[^:]+:iam::/.test(p)) &&
  !hasCondition(s);

const SNS_TOPIC_CHECKS: SecurityCheck[] = [
  {
    ids: [
      { id: "CKV_AWS_26", title: "Ensure all data stored in the SNS topic is encrypted" },
      { id: "SecurityHub SNS.1", title: "SNS topics should be encrypted at-rest using AWS KMS" },
    ],
    resourceType: "aws_sns_topic",
    passes: (r) => isSet(r.kms_master_key_id),
  },
];

const SNS_TOPIC_POLICY_CHECKS: SecurityCheck[] = [
  {
    ids: [
      { id: "CKV_AWS_169", title: "Ensure SNS topic policy is not public by only allowing specific services or principals to access it" },
      { id: "FSBP SNS.4", title: "SNS topic access policies should not allow public access" },
    ],
    resourceType: "aws_sns_topic_policy",
    passes: policyWhere("policy", (s) => !s.some(isPublicStatement)),
  },
  {
    ids: [{ id: "CKV_AWS_385", title: "Ensure AWS SNS topic policies do not allow cross-account access" }],
    resourceType: "aws_sns_topic_policy",
    passes: policyWhere("policy", (s) => !s.some(crossAccountWithoutCondition)),
  },
];

/** Every check, grouped by resource type. */
export const CHECKS: readonly SecurityCheck[] = [
  ...KMS_KEY_CHECKS,
  ...LOG_GROUP_CHECKS,
  ...ALARM_CHECKS,
  ...SECRET_CHECKS,
  ...SECRET_ROTATION_CHECKS,
  ...DB_INSTANCE_CHECKS,
  ...DB_CLUSTER_CHECKS,
  ...CLUSTER_INSTANCE_CHECKS,
  ...LAMBDA_FUNCTION_CHECKS,
  ...LAMBDA_PERMISSION_CHECKS,
  ...IAM_POLICY_CHECKS,
  ...IAM_ROLE_POLICY_CHECKS,
  ...IAM_ROLE_CHECKS,
  ...IAM_ATTACHMENT_CHECKS,
  ...SECURITY_GROUP_CHECKS,
  ...INGRESS_RULE_CHECKS,
  ...EGRESS_RULE_CHECKS,
  ...DEFAULT_SECURITY_GROUP_CHECKS,
  ...SUBNET_CHECKS,
  ...ROUTE_TABLE_CHECKS,
  ...VPC_CHECKS,
  ...EIP_CHECKS,
  ...SNS_TOPIC_CHECKS,
  ...SNS_TOPIC_POLICY_CHECKS,
];

/**
 * Resource types the stacks create that no check above inspects, each with the reason.
 * Either the type has no security-relevant setting, or what is security-relevant about it
 * is evaluated through the resource it belongs to; neither Checkov nor Security Hub has a
 * check for it.
 */
export const TYPES_WITHOUT_CHECKS: Readonly<Record<string, string>> = {
  aws_route_table_association:
    "Only links a subnet to its route table; the routes are checked on aws_route_table (CKV2_AWS_35, CKV2_AWS_44).",
  aws_kms_alias: "A name for a key; the key itself is checked (CKV_AWS_7, CKV_AWS_33, FSBP KMS.5, ...).",
  aws_db_subnet_group:
    "Placement only; RDS.18/RDS.2 check the instance, CKV_AWS_130/EC2.15 the subnets it lists. No Checkov or Security Hub check exists.",
  aws_db_parameter_group:
    "Its TLS setting is evaluated through the instance that uses it (CKV2_AWS_69), as Checkov's graph check does.",
  aws_flow_log:
    "Evaluated through its VPC (CKV2_AWS_11, FSBP EC2.6: traffic type); its log group and role have their own checks.",
  aws_cloudwatch_event_rule:
    "A rule on the default event bus; Security Hub's EventBridge controls cover custom buses and global endpoints only, Checkov has none. The topic it targets has its policy checked (SNS.4, CKV_AWS_169).",
  aws_cloudwatch_event_target:
    "Points a rule at a topic; the topic's encryption and policy are checked. No Checkov or Security Hub check exists.",
  aws_sns_topic_subscription:
    "E-mail subscriptions of the alerts topic; no Checkov or Security Hub check exists. The topic is checked.",
  aws_secretsmanager_secret_version:
    "The seed version holds connection metadata and no password (asserted by the construct's tests and by the scan of the synthesized output); no Checkov or Security Hub check inspects secret versions.",
  aws_default_network_acl:
    "Evaluated through its VPC (FSBP EC2.21: no ingress from 0.0.0.0/0 to 22 or 3389), as Security Hub does; the network construct's tests assert its rules.",
  aws_db_option_group:
    "Carries the audit plugin; the exported log types are checked on the instance (FSBP RDS.9) and the audited events by the database construct's tests. No Checkov or Security Hub check inspects option groups.",
  aws_rds_cluster_parameter_group:
    "Its TLS and query-logging settings are evaluated through the cluster that uses it (CKV2_AWS_27), as Checkov's graph check does.",
  aws_route:
    "A route of a route table; the table's routes, inline and standalone, are checked on aws_route_table (CKV2_AWS_35, CKV2_AWS_44).",
  aws_nat_gateway:
    "No Checkov or Security Hub check inspects NAT gateways; the routes through them are checked on aws_route_table (CKV2_AWS_35) and their address on aws_eip (CKV2_AWS_19).",
  aws_internet_gateway:
    "Attached to the stack's own VPC, for the NAT gateways; the routes through it are checked on aws_route_table and no subnet gives public addresses (CKV_AWS_130). No Checkov or Security Hub check inspects it.",
  aws_vpc_endpoint:
    "No Checkov or Security Hub check inspects interface endpoints; its security group is checked (CKV2_AWS_5, EC2.18, EC2.19) and its policy is asserted by the network construct's tests.",
};
