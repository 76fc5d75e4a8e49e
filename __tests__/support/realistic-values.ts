import type { ReferenceResolver } from "./terraform-expressions";

/** A synthesized stack's resources, by type and logical name. */
interface Resources {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

const ACCOUNT = "123456789012";
const UUID = "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d";
/** Secrets Manager's suffix of a secret ARN: `-` and six characters. */
const SUFFIX = "-AbCdEf";
/** The longest resource IDs EC2 hands out (17 hex digits). */
const HEX17 = "0123456789abcdef0";

/**
 * Values of a stack's references at their real length, as AWS would return them in
 * `region`: ARNs with the real account-ID length, secret ARNs with the random suffix, the
 * RDS-managed master secret's name, endpoint host names, the longest resource IDs. Used to
 * measure what a policy or an environment variable will weigh after the apply.
 */
export function realisticValues(stack: Resources, region: string): ReferenceResolver {
  const arn = (service: string, resource: string, inRegion = region) => `arn:aws:${service}:${inRegion}:${ACCOUNT}:${resource}`;
  return (reference) => {
    const [first, ...rest] = reference.split(".");
    if (first === "data") {
      const attribute = rest[2];
      const values: Record<string, string> = { partition: "aws", dns_suffix: "amazonaws.com", region, account_id: ACCOUNT };
      if (attribute in values) return values[attribute];
      throw new Error(`no realistic value for ${reference}`);
    }
    const [name, attribute] = rest;
    const attributes = stack.resource[first]?.[name];
    if (attributes === undefined) throw new Error(`no resource for ${reference}`);
    const own = (key: string) => String(attributes[key]);
    switch (`${first}.${attribute}`) {
      case "aws_secretsmanager_secret.arn":
      case "aws_secretsmanager_secret.id":
        return arn("secretsmanager", `secret:${own("name")}${SUFFIX}`);
      case "aws_db_instance.address":
        return `${own("identifier")}.c0abcdefghij.${region}.rds.amazonaws.com`;
      case "aws_db_instance.master_user_secret[0]":
        return arn("secretsmanager", `secret:rds!db-${UUID}${SUFFIX}`);
      case "aws_db_instance.arn":
        return arn("rds", `db:${own("identifier")}`);
      case "aws_kms_key.arn":
        return arn("kms", `key/${UUID}`);
      case "aws_kms_key.key_id":
        return UUID;
      case "aws_cloudwatch_log_group.arn":
        return arn("logs", `log-group:${own("name")}`);
      case "aws_cloudwatch_event_rule.arn":
        return arn("events", `rule/${own("name")}`);
      case "aws_cloudwatch_metric_alarm.arn":
        return arn("cloudwatch", `alarm:${own("alarm_name")}`);
      case "aws_sns_topic.arn":
        return arn("sns", own("name"));
      case "aws_lambda_function.arn":
        return arn("lambda", `function:${own("function_name")}`);
      case "aws_iam_role.arn":
        return `arn:aws:iam::${ACCOUNT}:role/${own("name")}`;
      case "aws_subnet.id":
        return `subnet-${HEX17}`;
      case "aws_security_group.id":
        return `sg-${HEX17}`;
      case "aws_vpc.id":
        return `vpc-${HEX17}`;
      default:
        if (attribute === "name" || attribute === "function_name") return own(attribute);
        throw new Error(`no realistic value for ${reference}`);
    }
  };
}
