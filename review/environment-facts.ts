/**
 * The settings in which environments differ, read from each one's `cdk.tf.json`: the key,
 * the zones, the way to Secrets Manager, the database and its backups, log retention,
 * recovery windows... The review page shows those whose values are not the same everywhere.
 */
import { plural } from "./markdown";
import { block, booleanOf, list, numberOf, resourcesOfType, type Resource, type StackJson, zoneOfSubnet, zoneOfSubnetId } from "./terraform-json";

/** One setting: its label and how to read it from a stack. */
interface Fact {
  readonly label: string;
  readonly value: (stack: StackJson) => string;
}

/** The settings compared, in the order the page shows them. */
const FACTS: readonly Fact[] = [
  { label: "Region", value: (stack) => String(providerSettings(stack).region) },
  {
    label: "AWS account",
    value: (stack) => {
      const provider = providerSettings(stack);
      const accounts = list(provider.allowed_account_ids).join(", ") || "any (not pinned)";
      const role = block(provider.assume_role)?.role_arn;
      return role === undefined ? accounts : `${accounts}, through role ${String(role)}`;
    },
  },
  {
    label: "Encryption key",
    value: (stack) => {
      const alias = resourcesOfType(stack, "aws_kms_alias")[0]?.resource.name;
      const key = resourcesOfType(stack, "aws_kms_key")[0]?.resource;
      if (!key) return "AWS-managed keys (aws/secretsmanager, aws/rds, ...)";
      return `customer-managed ${String(alias ?? "key")}, rotation ${booleanOf(key.enable_key_rotation) ? "on" : "off"}`;
    },
  },
  {
    label: "Availability Zones",
    value: (stack) => distinct(resourcesOfType(stack, "aws_subnet").map((s) => zoneOfSubnet(s.resource))) || "existing subnets",
  },
  { label: "Path to Secrets Manager", value: secretsManagerPath },
  { label: "Database engine", value: (stack) => on(databases(stack), (db) => `${String(db.engine)} ${String(db.engine_version)}`) },
  { label: "Instance class", value: (stack) => on([...databases(stack), ...clusterInstances(stack)], (db) => String(db.instance_class)) },
  { label: "Multi-AZ", value: (stack) => on(databases(stack), (db) => yesNo(booleanOf(db.multi_az))) },
  {
    label: "Storage",
    value: (stack) =>
      on(databases(stack), (db) =>
        db.allocated_storage === undefined
          ? "Aurora (grows with the data)"
          : `${String(db.allocated_storage)} GB ${String(db.storage_type ?? "gp2")}${db.max_allocated_storage ? `, grows to ${String(db.max_allocated_storage)} GB` : ""}`,
      ),
  },
  { label: "Database port", value: (stack) => on(databases(stack), (db) => String(db.port)) },
  {
    label: "Backups kept",
    value: (stack) => on(databases(stack), (db) => plural(numberOf(db.backup_retention_period) ?? 1, "day")),
  },
  { label: "Deletion protection", value: (stack) => on(databases(stack), (db) => yesNo(booleanOf(db.deletion_protection))) },
  { label: "Final snapshot", value: (stack) => on(databases(stack), (db) => yesNo(booleanOf(db.skip_final_snapshot) === false)) },
  {
    label: "Enhanced monitoring",
    value: (stack) =>
      on(databases(stack), (db) => ((numberOf(db.monitoring_interval) ?? 0) > 0 ? `every ${String(db.monitoring_interval)} s` : "no")),
  },
  { label: "Performance Insights", value: (stack) => on(databases(stack), (db) => yesNo(booleanOf(db.performance_insights_enabled))) },
  {
    label: "IAM database authentication",
    value: (stack) => on(databases(stack), (db) => yesNo(booleanOf(db.iam_database_authentication_enabled))),
  },
  {
    label: "Database logs exported",
    value: (stack) => on(databases(stack), (db) => list(db.enabled_cloudwatch_logs_exports).join(", ") || "none"),
  },
  {
    label: "Log retention",
    value: (stack) => {
      const groups = resourcesOfType(stack, "aws_cloudwatch_log_group").map((g) => g.resource);
      const days = groups.map((g) => numberOf(g.retention_in_days) ?? 0);
      const range = days.length === 0 ? "no log groups" : `${span(days)} days`;
      return groups.length > 0 && groups.every((g) => g.kms_key_id !== undefined) ? `${range}, KMS-encrypted` : range;
    },
  },
  {
    label: "Secret recovery window",
    value: (stack) =>
      distinct(resourcesOfType(stack, "aws_secretsmanager_secret").map((s) => plural(numberOf(s.resource.recovery_window_in_days) ?? 30, "day"))),
  },
  {
    label: "Reserved concurrency of the rotation functions",
    value: (stack) =>
      distinct(resourcesOfType(stack, "aws_lambda_function").map((f) => String(f.resource.reserved_concurrent_executions ?? "none"))),
  },
  { label: "Alert e-mail subscribers", value: (stack) => String(resourcesOfType(stack, "aws_sns_topic_subscription").length) },
  {
    label: "Terraform state",
    value: (stack) => {
      const cloud = block(stack.terraform.cloud);
      if (cloud) {
        return `Terraform Cloud, organization ${String(cloud.organization)}, workspace ${String(block(cloud.workspaces)?.name)}`;
      }
      const [kind, settings] = Object.entries(block(stack.terraform.backend) ?? {})[0] ?? ["local", {}];
      return kind === "local" ? `local file ${String(block(settings)?.path ?? "terraform.tfstate")}` : `${kind} backend`;
    },
  },
];

/** Each environment's value of every setting, for the environments given (name → stack). */
export function environmentFacts(stacks: Readonly<Record<string, StackJson>>): { label: string; values: Record<string, string> }[] {
  return FACTS.map(({ label, value }) => ({
    label,
    values: Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, value(stack)])),
  }));
}

function secretsManagerPath(stack: StackJson): string {
  const natGateways = resourcesOfType(stack, "aws_nat_gateway").length;
  if (natGateways > 0) return `${plural(natGateways, "NAT gateway")} and an internet gateway`;
  const endpoint = resourcesOfType(stack, "aws_vpc_endpoint").find((e) => String(e.resource.service_name).endsWith(".secretsmanager"));
  if (!endpoint) return "outside the stack";
  const zones = list(endpoint.resource.subnet_ids).map((id) => zoneOfSubnetId(stack, id) ?? String(id));
  return `interface endpoint in ${plural(zones.length, "zone")} (${zones.join(", ")})`;
}

function providerSettings(stack: StackJson): Resource {
  return block(block(stack.provider)?.aws) ?? {};
}

function databases(stack: StackJson): Resource[] {
  return [...resourcesOfType(stack, "aws_db_instance"), ...resourcesOfType(stack, "aws_rds_cluster")].map((d) => d.resource);
}

function clusterInstances(stack: StackJson): Resource[] {
  return resourcesOfType(stack, "aws_rds_cluster_instance").map((d) => d.resource);
}

/** The values of the resources, distinct, or `none`. */
function on(resources: readonly Resource[], value: (r: Resource) => string): string {
  return distinct(resources.map(value)) || "none";
}

function distinct(values: readonly string[]): string {
  return [...new Set(values)].join(", ");
}

/** `7` or `7–14`. */
function span(values: readonly number[]): string {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return min === max ? String(min) : `${min}–${max}`;
}

function yesNo(value: boolean | undefined): string {
  return value ? "yes" : "no";
}
