/**
 * A Mermaid flowchart of one environment as its `cdk.tf.json` builds it: the rotation
 * functions in their VPC, their way to Secrets Manager (interface endpoint, or NAT gateway
 * and internet gateway), the database, the keys, and the topics alerts and events go to.
 * Every node and edge comes from a resource or a reference between resources, so the
 * diagram changes with the stack and dev and prod can be compared at a glance.
 */
import { plural } from "./markdown";
import { block, list, mentions, resolve, resourcesOfType, type Located, type StackJson, zoneOfSubnet, zoneOfSubnetId } from "./terraform-json";

/** The Mermaid source (without the fence). */
export function diagram(stack: StackJson): string {
  const lines = ["flowchart LR"];
  const functions = resourcesOfType(stack, "aws_lambda_function");
  const databases = [...resourcesOfType(stack, "aws_db_instance"), ...resourcesOfType(stack, "aws_rds_cluster")];
  const endpoints = resourcesOfType(stack, "aws_vpc_endpoint").filter((e) => String(e.resource.service_name).endsWith(".secretsmanager"));
  const natGateways = resourcesOfType(stack, "aws_nat_gateway");
  const internetGateways = resourcesOfType(stack, "aws_internet_gateway");

  lines.push(`  subgraph vpc[${label(...vpcLabel(stack))}]`);
  for (const fn of functions) {
    const strategy = block(block(fn.resource.environment)?.variables)?.ROTATION_STRATEGY;
    lines.push(`    ${id(fn)}[${label(`λ ${String(fn.resource.function_name)}`, String(strategy ?? ""))}]`);
  }
  for (const db of databases) lines.push(`    ${id(db)}[(${label(...databaseLabel(db, stack))})]`);
  for (const endpoint of endpoints) {
    lines.push(`    ${id(endpoint)}[${label("Secrets Manager endpoint", zones(endpoint.resource.subnet_ids, stack))}]`);
  }
  for (const nat of natGateways) lines.push(`    ${id(nat)}[${label("NAT gateway", zones([nat.resource.subnet_id], stack))}]`);
  for (const igw of internetGateways) lines.push(`    ${id(igw)}[${label("Internet gateway")}]`);
  lines.push("  end");

  const secrets = resourcesOfType(stack, "aws_secretsmanager_secret").length;
  lines.push(`  secretsmanager{{${label("Secrets Manager", `${plural(secrets, "secret")} + the RDS master secret`)}}}`);
  const keys = resourcesOfType(stack, "aws_kms_alias");
  lines.push(
    `  keys[${keys.length > 0 ? label("KMS key", ...keys.map((k) => String(k.resource.name))) : label("AWS-managed keys", "aws/secretsmanager · aws/rds")}]`,
  );
  const topics = resourcesOfType(stack, "aws_sns_topic");
  for (const topic of topics) {
    const subscribers = resourcesOfType(stack, "aws_sns_topic_subscription").filter((s) => mentions(s.resource.topic_arn, topic)).length;
    lines.push(`  ${id(topic)}[${label(`SNS ${String(topic.resource.name)}`, subscribers > 0 ? plural(subscribers, "subscriber") : "")}]`);
  }

  // Secrets Manager invokes the functions; they reach the database and their way out.
  for (const permission of resourcesOfType(stack, "aws_lambda_permission")) {
    const fn = functions.find((f) => mentions(permission.resource.function_name, f));
    if (fn && permission.resource.principal === "secretsmanager.amazonaws.com") lines.push(`  secretsmanager -- invokes --> ${id(fn)}`);
  }
  for (const fn of functions) {
    for (const rule of egressRules(stack, fn)) {
      const target =
        [...databases, ...endpoints].find((t) => usesGroup(t, rule.resource.referenced_security_group_id, stack)) ??
        (rule.resource.cidr_ipv4 === "0.0.0.0/0" ? natGateways[0] : undefined);
      if (target) lines.push(`  ${id(fn)} -- ${label(`${String(rule.resource.ip_protocol)} ${String(rule.resource.to_port)}`)} --> ${id(target)}`);
    }
  }
  for (const endpoint of endpoints) lines.push(`  ${id(endpoint)} --> secretsmanager`);
  for (const nat of natGateways) {
    lines.push(...internetGateways.map((igw) => `  ${id(nat)} --> ${id(igw)}`));
  }
  for (const igw of internetGateways) lines.push(`  ${id(igw)} --> secretsmanager`);

  // The keys: what they encrypt.
  lines.push("  keys -. encrypts .-> secretsmanager");
  for (const db of databases) lines.push(`  keys -. encrypts .-> ${id(db)}`);

  // Where rotation events and function errors go.
  for (const target of resourcesOfType(stack, "aws_cloudwatch_event_target")) {
    const rule = resolve(stack, target.resource.rule);
    const topic = topics.find((t) => mentions(target.resource.arn, t));
    if (rule && topic) lines.push(`  secretsmanager -- ${label(`rule ${String(rule.resource.name)}`)} --> ${id(topic)}`);
  }
  for (const alarm of resourcesOfType(stack, "aws_cloudwatch_metric_alarm")) {
    const fn = functions.find((f) => block(alarm.resource.dimensions)?.FunctionName === f.resource.function_name);
    for (const topic of topics.filter((t) => mentions(alarm.resource.alarm_actions, t))) {
      if (fn) lines.push(`  ${id(fn)} -- ${label(`alarm ${String(alarm.resource.alarm_name)}`)} --> ${id(topic)}`);
    }
  }
  return lines.join("\n");
}

/** `VPC dev · 10.10.0.0/16` with the zones of its subnets, or the existing VPC's id. */
function vpcLabel(stack: StackJson): string[] {
  const vpc = resourcesOfType(stack, "aws_vpc")[0];
  const zones = [...new Set(resourcesOfType(stack, "aws_subnet").map((s) => zoneOfSubnet(s.resource)))];
  if (!vpc) {
    const group = resourcesOfType(stack, "aws_security_group")[0];
    return [`existing VPC ${String(group?.resource.vpc_id ?? "")}`];
  }
  return [`VPC ${String(block(vpc.resource.tags)?.Name)} · ${String(vpc.resource.cidr_block)}`, `private subnets in ${zones.join(", ")}`];
}

function databaseLabel(db: Located, stack: StackJson): string[] {
  const r = db.resource;
  const name = String(r.identifier ?? r.cluster_identifier);
  const engine = `${String(r.engine)} ${String(r.engine_version)}`;
  if (db.type === "aws_rds_cluster") {
    const instances = resourcesOfType(stack, "aws_rds_cluster_instance").filter((i) => mentions(i.resource.cluster_identifier, db));
    return [name, engine, `${plural(instances.length, "instance")} ${String(instances[0]?.resource.instance_class ?? "")}`];
  }
  return [name, engine, `${String(r.instance_class)} · ${r.multi_az === true ? "Multi-AZ" : "single-AZ"}`];
}

/** The function's standalone egress rules (its security group is the rule's). */
function egressRules(stack: StackJson, fn: Located): Located[] {
  const groups = list(block(fn.resource.vpc_config)?.security_group_ids);
  return resourcesOfType(stack, "aws_vpc_security_group_egress_rule").filter((rule) =>
    groups.includes(rule.resource.security_group_id),
  );
}

/** Whether a database or endpoint is in the security group a rule refers to. */
function usesGroup(target: Located, group: unknown, stack: StackJson): boolean {
  const referenced = resolve(stack, group);
  return referenced !== undefined && mentions(target.resource.vpc_security_group_ids ?? target.resource.security_group_ids, referenced);
}

function zones(subnetIds: unknown, stack: StackJson): string {
  return list(subnetIds)
    .map((subnetId) => zoneOfSubnetId(stack, subnetId) ?? "existing subnet")
    .join(" · ");
}

/** A node id from a resource address. */
function id(located: Located): string {
  return `${located.type.replace(/^aws_/, "")}_${located.name}`;
}

/** A quoted Mermaid label, one line per part (empty parts dropped). */
function label(...parts: string[]): string {
  return `"${parts
    .filter((p) => p !== "")
    .map((p) => p.replace(/"/g, "#quot;"))
    .join("<br/>")}"`;
}
