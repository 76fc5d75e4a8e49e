import type { NameScope, PhysicalName } from "../environments/validate";

/** The attribute of a resource type that holds a name AWS keeps unique. */
interface UniqueName {
  readonly attribute: string;
  /** What AWS calls the thing named, as messages say it. */
  readonly kind: string;
  readonly scope: NameScope;
}

const regional = (attribute: string, kind: string): UniqueName => ({ attribute, kind, scope: "region" });
const accountWide = (attribute: string, kind: string): UniqueName => ({ attribute, kind, scope: "account" });

/**
 * Every resource type the stacks create, with the attribute holding a name that AWS keeps
 * unique in an account and region, or in an account (IAM); `null` for a type with no such
 * name: none, only a `Name` tag, or a name unique within its parent (a role's inline
 * policy, a function's permission statement, a rule's target). A type missing here fails
 * the synth of several environments, and a test compares the list with the provider
 * classes the stacks import, so that a new kind of resource is classified as it is added.
 */
export const UNIQUE_NAMES: ReadonlyMap<string, UniqueName | null> = new Map<string, UniqueName | null>(
  Object.entries({
    aws_cloudwatch_event_rule: regional("name", "EventBridge rule"), // on the region's default event bus
    aws_cloudwatch_event_target: null,
    aws_cloudwatch_log_group: regional("name", "log group"),
    aws_cloudwatch_metric_alarm: regional("alarm_name", "CloudWatch alarm"),
    aws_db_instance: regional("identifier", "DB instance"),
    aws_db_option_group: regional("name", "DB option group"),
    aws_db_parameter_group: regional("name", "DB parameter group"),
    aws_db_subnet_group: regional("name", "DB subnet group"),
    aws_default_network_acl: null,
    aws_default_security_group: null,
    aws_eip: null,
    aws_flow_log: null,
    aws_iam_policy: accountWide("name", "IAM policy"),
    aws_iam_role: accountWide("name", "IAM role"),
    aws_iam_role_policy: null,
    aws_iam_role_policy_attachment: null,
    aws_internet_gateway: null,
    aws_kms_alias: regional("name", "KMS alias"),
    aws_kms_key: null,
    aws_lambda_function: regional("function_name", "Lambda function"),
    aws_lambda_permission: null,
    aws_nat_gateway: null,
    aws_rds_cluster: regional("cluster_identifier", "DB cluster"),
    // An Aurora instance's identifier is a DB instance identifier, as an RDS instance's is.
    aws_rds_cluster_instance: regional("identifier", "DB instance"),
    aws_rds_cluster_parameter_group: regional("name", "DB cluster parameter group"),
    aws_route: null,
    aws_route_table: null,
    aws_route_table_association: null,
    aws_secretsmanager_secret: regional("name", "secret"),
    aws_secretsmanager_secret_policy: null,
    aws_secretsmanager_secret_rotation: null,
    aws_secretsmanager_secret_version: null,
    // Unique in its VPC; checked per region, which is stricter (two environments may share an existing VPC).
    aws_security_group: regional("name", "security group"),
    aws_sns_topic: regional("name", "SNS topic"),
    aws_sns_topic_policy: null,
    aws_sns_topic_subscription: null,
    aws_subnet: null,
    aws_vpc: null,
    aws_vpc_endpoint: null,
    aws_vpc_security_group_egress_rule: null,
    aws_vpc_security_group_ingress_rule: null,
  }),
);

/** The parts of a synthesized stack (`cdk.tf.json`) that hold names. */
export interface StackNames {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly terraform?: {
    readonly cloud?: { readonly hostname?: string; readonly organization?: string; readonly workspaces?: { readonly name?: string } };
  };
}

/**
 * The names a synthesized stack gives what it creates that must be unique in their scope:
 * the unique names of its resources (see {@link UNIQUE_NAMES}) and its Terraform Cloud
 * workspace. A `name_prefix` is left out (Terraform completes it with a unique suffix), as
 * is a name holding a reference (known only at apply; what it refers to has its own name).
 */
export function physicalNames(stack: StackNames): PhysicalName[] {
  const names: PhysicalName[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    const uniqueName = UNIQUE_NAMES.get(type);
    if (uniqueName === undefined) {
      throw new Error(
        `${type} is not listed in stacks/physical-names.ts: add it with the attribute holding a name AWS keeps ` +
          "unique in an account or region, or null when it has none",
      );
    }
    if (uniqueName === null) continue;
    const { attribute, kind, scope } = uniqueName;
    for (const [logicalName, resource] of Object.entries(resources)) {
      const name = resource[attribute];
      if (typeof name === "string" && !name.includes("${")) names.push({ kind, scope, name, address: `${type}.${logicalName}` });
    }
  }
  const cloud = stack.terraform?.cloud;
  if (cloud?.workspaces?.name !== undefined) {
    names.push({
      kind: "Terraform Cloud workspace",
      scope: "global",
      name: `${cloud.hostname ?? "app.terraform.io"}/${cloud.organization}/${cloud.workspaces.name}`,
      address: "terraform.cloud",
    });
  }
  return names;
}
