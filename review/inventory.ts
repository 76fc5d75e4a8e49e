/**
 * What a synthesized stack creates, by kind, with the names people will see in the
 * console and in alerts: read from `cdk.tf.json`, one entry per resource of the kinds a
 * reviewer asks about (the rest is counted by type).
 */
import {
  block,
  booleanOf,
  list,
  numberOf,
  referencing,
  resolve,
  resourcesOfType,
  type Located,
  type Resource,
  type StackJson,
  zoneOfSubnet,
  zoneOfSubnetId,
} from "./terraform-json";
import { plural } from "./markdown";

/** One named thing the stack creates. */
export interface InventoryEntry {
  /** `Secret`, `Database`, `Rotation function`, ... */
  readonly kind: string;
  /** The name as AWS shows it. */
  readonly name: string;
  readonly details: string;
  /** The Terraform address, `aws_db_instance.database`. */
  readonly address: string;
}

interface Kind {
  readonly type: string;
  readonly kind: string;
  readonly name: (r: Resource) => unknown;
  readonly details: (self: Located, stack: StackJson) => string;
}

/** The kinds listed, in the order the page lists them. */
const KINDS: readonly Kind[] = [
  {
    type: "aws_kms_alias",
    kind: "Encryption key",
    name: (r) => r.name,
    details: () => "customer-managed; encrypts the secrets, the database, its master secret, logs and topics",
  },
  { type: "aws_vpc", kind: "VPC", name: (r) => tagName(r), details: ({ resource }) => String(resource.cidr_block) },
  {
    type: "aws_subnet",
    kind: "Private subnet",
    name: (r) => tagName(r),
    details: ({ resource }) => `${zoneOfSubnet(resource)}, ${String(resource.cidr_block)}`,
  },
  {
    type: "aws_vpc_endpoint",
    kind: "Interface endpoint",
    name: (r) => tagName(r),
    details: ({ resource }, stack) => `to ${serviceOf(resource)}, in ${zonesOf(resource.subnet_ids, stack)}`,
  },
  {
    type: "aws_nat_gateway",
    kind: "NAT gateway",
    name: (r) => tagName(r),
    details: ({ resource }, stack) => `in ${zonesOf([resource.subnet_id], stack)}`,
  },
  { type: "aws_internet_gateway", kind: "Internet gateway", name: (r) => tagName(r), details: () => "for the NAT gateways" },
  { type: "aws_db_instance", kind: "Database", name: (r) => r.identifier, details: ({ resource }) => databaseDetails(resource) },
  { type: "aws_rds_cluster", kind: "Database cluster", name: (r) => r.cluster_identifier, details: ({ resource }) => databaseDetails(resource) },
  {
    type: "aws_lambda_function",
    kind: "Rotation function",
    name: (r) => r.function_name,
    details: ({ resource }) => {
      const variables = block(block(resource.environment)?.variables) ?? {};
      return `${String(resource.runtime)} on ${list(resource.architectures).join(", ") || "x86_64"}, strategy ${String(variables.ROTATION_STRATEGY)}`;
    },
  },
  {
    type: "aws_secretsmanager_secret",
    kind: "Secret",
    name: (r) => r.name,
    details: (self, stack) => secretDetails(self, stack),
  },
  { type: "aws_sns_topic", kind: "Topic", name: (r) => r.name, details: ({ resource }) => String(resource.display_name ?? "") },
  {
    type: "aws_sns_topic_subscription",
    kind: "Subscription",
    name: (r) => r.endpoint,
    details: ({ resource }, stack) => `${String(resource.protocol)} to ${String(resolve(stack, resource.topic_arn)?.resource.name)}`,
  },
  { type: "aws_cloudwatch_event_rule", kind: "Event rule", name: (r) => r.name, details: ({ resource }) => String(resource.description) },
  {
    type: "aws_cloudwatch_metric_alarm",
    kind: "Alarm",
    name: (r) => r.alarm_name,
    details: ({ resource }) => String(resource.alarm_description),
  },
  {
    type: "aws_cloudwatch_log_group",
    kind: "Log group",
    name: (r) => r.name,
    details: ({ resource }) =>
      `kept ${plural(numberOf(resource.retention_in_days) ?? 0, "day")}${resource.kms_key_id ? ", KMS-encrypted" : ""}`,
  },
  { type: "aws_iam_role", kind: "IAM role", name: (r) => r.name, details: ({ resource }) => String(resource.description) },
  {
    type: "aws_iam_policy",
    kind: "IAM policy",
    name: (r) => r.name ?? `${String(r.name_prefix)}…`,
    details: ({ resource }) => String(resource.description),
  },
  { type: "aws_security_group", kind: "Security group", name: (r) => r.name, details: ({ resource }) => String(resource.description) },
];

/** The named things of the stack, kind by kind. */
export function inventory(stack: StackJson): InventoryEntry[] {
  const entries = KINDS.flatMap(({ type, kind, name, details }) =>
    resourcesOfType(stack, type).map((located) => ({
      kind,
      name: String(name(located.resource)),
      details: details(located, stack),
      address: located.address,
    })),
  );
  // RDS creates the master user's secret itself: it is in no resource of the stack, but people will see it.
  const masterSecrets = [...resourcesOfType(stack, "aws_db_instance"), ...resourcesOfType(stack, "aws_rds_cluster")]
    .filter((db) => booleanOf(db.resource.manage_master_user_password) === true)
    .map((db) => ({
      kind: "Secret",
      name: `rds!… (the master user secret of ${String(db.resource.identifier ?? db.resource.cluster_identifier)})`,
      details: `created and kept by RDS${managedRotation(db, stack)}`,
      address: db.address,
    }));
  const lastSecret = entries.map((e) => e.kind).lastIndexOf("Secret");
  entries.splice(lastSecret + 1, 0, ...masterSecrets);
  return entries;
}

/** How many resources of each type the stack declares, by type. */
export function resourceCounts(stack: StackJson): [type: string, count: number][] {
  return Object.entries(stack.resource)
    .map(([type, byName]): [string, number] => [type, Object.keys(byName).length])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

function databaseDetails(db: Resource): string {
  const parts = [`${String(db.engine)} ${String(db.engine_version)}`];
  if (db.instance_class !== undefined) parts.push(String(db.instance_class));
  parts.push(booleanOf(db.multi_az) ? "Multi-AZ" : "single-AZ");
  if (db.allocated_storage !== undefined) parts.push(`${String(db.allocated_storage)} GB ${String(db.storage_type ?? "gp2")}`);
  parts.push(`port ${String(db.port)}`);
  return parts.join(", ");
}

function secretDetails(self: Located, stack: StackJson): string {
  const rotation = referencing(stack, "aws_secretsmanager_secret_rotation", "secret_id", self)[0]?.resource;
  const rotatedBy = rotation && resolve(stack, rotation.rotation_lambda_arn);
  // A key/value secret's function is deployed elsewhere: the stack has only its ARN.
  const what = rotatedBy
    ? `database credentials, rotated by ${String(rotatedBy.resource.function_name)} ${schedule(rotation)}`
    : `key/value, value put by hand, ${rotation ? `rotated by ${String(rotation.rotation_lambda_arn).split(":")[6]} ${schedule(rotation)}` : "not rotated"}`;
  const key = self.resource.kms_key_id === undefined ? "aws/secretsmanager key" : "customer-managed key";
  return `${what}; ${key}; recovery window ${plural(numberOf(self.resource.recovery_window_in_days) ?? 30, "day")}`;
}

/** `, rotated every 7 days` for a master secret whose managed rotation the stack configures. */
function managedRotation(db: Located, stack: StackJson): string {
  const rotation = resourcesOfType(stack, "aws_secretsmanager_secret_rotation").find(
    (r) => typeof r.resource.secret_id === "string" && r.resource.secret_id.includes(`${db.address}.master_user_secret`),
  );
  return rotation ? `, rotated ${schedule(rotation.resource)}` : "";
}

/** `every 30 days`, `on rate(12 hours)`. */
function schedule(rotation: Resource): string {
  const rules = block(rotation.rotation_rules) ?? {};
  const days = numberOf(rules.automatically_after_days);
  return days !== undefined ? `every ${plural(days, "day")}` : `on ${String(rules.schedule_expression)}`;
}

/** The service an endpoint reaches: the last part of its service name (`secretsmanager`). */
function serviceOf(endpoint: Resource): string {
  return String(endpoint.service_name).split(".").pop() ?? "";
}

/** `use1-az1, use1-az2` for subnet references; subnets outside the stack are counted. */
function zonesOf(subnetIds: unknown, stack: StackJson): string {
  return list(subnetIds)
    .map((id) => zoneOfSubnetId(stack, id) ?? "an existing subnet")
    .join(", ");
}

function tagName(resource: Resource): string {
  return String(block(resource.tags)?.Name ?? "(no Name tag)");
}
