/**
 * The catalogue's predicates on small hand-written resources: each case names checks that
 * must fail and checks that must pass, so a predicate that can never fail (or never pass)
 * is caught even when the real stacks happen to comply.
 */
import { CHECKS } from "../../review/security/checks";
import { evaluate } from "../../review/security/evaluate";
import { DEVELOPMENT_EXCEPTIONS, NOT_APPLICABLE } from "../../review/security/exceptions";
import type { StackJson } from "../../review/terraform-json";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface Case {
  readonly name: string;
  readonly resources: Resources;
  /** `<type>.<name>` of the resource under test. */
  readonly address: string;
  readonly fails: readonly string[];
  readonly passes: readonly string[];
  /** Checks of the resource's type that must not apply to it. @default [] */
  readonly notApplicable?: readonly string[];
}

/** Check id → whether it passed, for every check (each of its ids) that applies to the resource at `address`. */
function outcomes(resources: Resources, address: string): Record<string, boolean> {
  const stack: StackJson = { terraform: {}, resource: resources };
  const [type] = address.split(".");
  return Object.fromEntries(
    CHECKS.filter((c) => c.resourceType === type).flatMap((check) =>
      evaluate(stack, check)
        .filter((o) => o.located.address === address)
        .flatMap((o) => check.ids.map(({ id }) => [id, o.passed] as const)),
    ),
  );
}

const policy = (...statements: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (Action: string | string[], Resource: string | string[], extra: object = {}): object => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});
const SECRET_ARN = "${aws_secretsmanager_secret.S.arn}";
const KEY_ARN = "${aws_kms_key.K.arn}";
const IDENTITY_CHECKS = [
  "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355",
  "CKV2_AWS_40", "FSBP IAM.1", "FSBP IAM.21", "FSBP KMS.1",
];

const INLINE_POLICY_CHECKS = [
  ...IDENTITY_CHECKS.filter((id) => !["FSBP IAM.1", "FSBP IAM.21", "FSBP KMS.1"].includes(id)),
  "FSBP KMS.2",
];

const VPC = { cidr_block: "10.0.0.0/16" };
const vpcRef = "${aws_vpc.V.id}";

const CASES: Case[] = [
  {
    name: "an administrator policy fails every identity-policy check",
    resources: { aws_iam_policy: { P: { policy: policy(allow("*", "*")) } } },
    address: "aws_iam_policy.P",
    fails: IDENTITY_CHECKS,
    passes: [],
  },
  {
    name: "an administrator inline policy fails every inline-policy check",
    resources: { aws_iam_role_policy: { P: { role: "r", policy: policy(allow("*", "*")) } } },
    address: "aws_iam_role_policy.P",
    fails: INLINE_POLICY_CHECKS,
    passes: [],
  },
  {
    name: "a policy that Terraform renders from an expression cannot be verified and fails",
    resources: { aws_iam_policy: { P: { policy: "${data.aws_iam_policy_document.x.json}" } } },
    address: "aws_iam_policy.P",
    fails: IDENTITY_CHECKS,
    passes: [],
  },
  {
    name: "reading one secret and decrypting through Secrets Manager passes every identity-policy check",
    resources: {
      aws_iam_policy: {
        P: {
          policy: policy(
            allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], [SECRET_ARN]),
            allow("kms:Decrypt", KEY_ARN, { Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } } }),
          ),
        },
      },
    },
    address: "aws_iam_policy.P",
    fails: [],
    passes: IDENTITY_CHECKS,
  },
  {
    name: "a service wildcard on every resource exposes secrets and permissions",
    resources: { aws_iam_policy: { P: { policy: policy(allow("secretsmanager:*", "*")) } } },
    address: "aws_iam_policy.P",
    fails: ["CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355", "FSBP IAM.21"],
    passes: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_286", "CKV_AWS_287", "CKV2_AWS_40", "FSBP IAM.1", "FSBP KMS.1"],
  },
  {
    name: "actions without resource-level permissions may use Resource *",
    resources: {
      aws_iam_role_policy: {
        P: { policy: policy(allow(["ec2:DescribeSubnets", "secretsmanager:GetRandomPassword", "xray:PutTraceSegments"], "*")) },
      },
    },
    address: "aws_iam_role_policy.P",
    fails: [],
    passes: ["CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355", "FSBP KMS.2"],
  },
  {
    name: "decrypting with every key fails KMS.2 even under a condition; the condition keeps it out of the unconstrained checks",
    resources: {
      aws_iam_role_policy: {
        P: { policy: policy(allow("kms:Decrypt", "*", { Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } })) },
      },
    },
    address: "aws_iam_role_policy.P",
    fails: ["FSBP KMS.2"],
    passes: ["CKV_AWS_290", "CKV_AWS_355"],
  },
  {
    name: "passing a role to a new function that it can invoke is a privilege escalation",
    resources: {
      aws_iam_role_policy: {
        P: { policy: policy(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "*")) },
      },
    },
    address: "aws_iam_role_policy.P",
    fails: ["CKV_AWS_286", "CKV_AWS_289"],
    passes: ["CKV_AWS_62", "CKV_AWS_287", "CKV_AWS_288", "FSBP KMS.2"],
  },
  {
    name: "assuming any role exposes credentials",
    resources: { aws_iam_role_policy: { P: { policy: policy(allow("sts:AssumeRole", "*")) } } },
    address: "aws_iam_role_policy.P",
    fails: ["CKV_AWS_287"],
    passes: ["CKV_AWS_288", "CKV_AWS_286"],
  },
  {
    name: "a role anyone may assume",
    resources: {
      aws_iam_role: { R: { assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) } },
    },
    address: "aws_iam_role.R",
    fails: ["CKV_AWS_60"],
    passes: ["CKV_AWS_61"],
  },
  {
    name: "a role a whole account may assume, with the administrator policy",
    resources: {
      aws_iam_role: {
        R: {
          assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }),
          managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"],
        },
      },
    },
    address: "aws_iam_role.R",
    fails: ["CKV_AWS_61", "CKV_AWS_274", "CKV2_AWS_56"],
    passes: ["CKV_AWS_60"],
  },
  {
    name: "attaching AdministratorAccess",
    resources: {
      aws_iam_role_policy_attachment: { A: { role: "r", policy_arn: "arn:${data.aws_partition.p.partition}:iam::aws:policy/AdministratorAccess" } },
    },
    address: "aws_iam_role_policy_attachment.A",
    fails: ["CKV_AWS_274"],
    passes: ["CKV2_AWS_56"],
  },
  {
    name: "attaching IAMFullAccess",
    resources: { aws_iam_role_policy_attachment: { A: { role: "r", policy_arn: "arn:aws:iam::aws:policy/IAMFullAccess" } } },
    address: "aws_iam_role_policy_attachment.A",
    fails: ["CKV2_AWS_56"],
    passes: ["CKV_AWS_274"],
  },
  {
    name: "a KMS key anyone may use, without rotation",
    resources: { aws_kms_key: { K: { enable_key_rotation: false, policy: policy(allow("kms:*", "*", { Principal: "*" })) } } },
    address: "aws_kms_key.K",
    fails: ["CKV_AWS_7", "SecurityHub KMS.4", "CKV_AWS_33", "FSBP KMS.5"],
    passes: ["CKV_AWS_227", "CKV2_AWS_64"],
  },
  {
    name: "a disabled KMS key without a key policy of its own",
    resources: { aws_kms_key: { K: { is_enabled: false, enable_key_rotation: true } } },
    address: "aws_kms_key.K",
    fails: ["CKV_AWS_227", "CKV2_AWS_64"],
    passes: ["CKV_AWS_7", "CKV_AWS_33", "FSBP KMS.5"],
  },
  {
    name: "a wildcard key principal limited to the account is not public",
    resources: {
      aws_kms_key: {
        K: {
          enable_key_rotation: true,
          policy: policy(allow("kms:Decrypt", "*", { Principal: { AWS: "*" }, Condition: { StringEquals: { "kms:CallerAccount": "111122223333" } } })),
        },
      },
    },
    address: "aws_kms_key.K",
    fails: [],
    passes: ["CKV_AWS_7", "CKV_AWS_33", "FSBP KMS.5"],
  },
  {
    name: "a topic policy open to everyone",
    resources: { aws_sns_topic_policy: { P: { arn: "t", policy: policy(allow("sns:Publish", "*", { Principal: "*" })) } } },
    address: "aws_sns_topic_policy.P",
    fails: ["CKV_AWS_169", "FSBP SNS.4"],
    passes: ["CKV_AWS_385"],
  },
  {
    name: "a topic policy granting another account without condition",
    resources: {
      aws_sns_topic_policy: {
        P: { arn: "t", policy: policy(allow("sns:Publish", "*", { Principal: { AWS: "arn:aws:iam::444455556666:root" } })) },
      },
    },
    address: "aws_sns_topic_policy.P",
    fails: ["CKV_AWS_385"],
    passes: ["CKV_AWS_169", "FSBP SNS.4"],
  },
  {
    name: "a function anyone may invoke",
    resources: { aws_lambda_permission: { P: { function_name: "f", action: "lambda:InvokeFunction", principal: "*" } } },
    address: "aws_lambda_permission.P",
    fails: ["CKV_AWS_301", "FSBP Lambda.1"],
    passes: [],
  },
  {
    name: "a function any account's S3 buckets may invoke",
    resources: { aws_lambda_permission: { P: { function_name: "f", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com" } } },
    address: "aws_lambda_permission.P",
    fails: ["CKV_AWS_364", "FSBP Lambda.1"],
    passes: ["CKV_AWS_301"],
  },
  {
    name: "a function on a deprecated runtime, in one zone, with an access key in its environment",
    resources: {
      aws_subnet: { A: { availability_zone: "eu-west-1a" }, B: { availability_zone: "eu-west-1a" } },
      aws_lambda_function: {
        F: {
          runtime: "nodejs16.x",
          environment: { variables: { KEY: "AKIAIOSFODNN7EXAMPLE" } },
          vpc_config: { subnet_ids: ["${aws_subnet.A.id}", "${aws_subnet.B.id}"], security_group_ids: ["sg-1"] },
        },
      },
    },
    address: "aws_lambda_function.F",
    fails: ["CKV_AWS_45", "CKV_AWS_50", "CKV_AWS_363", "FSBP Lambda.2", "FSBP Lambda.5", "CKV_AWS_115"],
    passes: ["CKV_AWS_117"],
  },
  {
    name: "a function outside any VPC",
    resources: { aws_lambda_function: { F: { runtime: "nodejs22.x", tracing_config: { mode: "PassThrough" } } } },
    address: "aws_lambda_function.F",
    fails: ["CKV_AWS_117"],
    passes: ["CKV_AWS_50", "CKV_AWS_363", "FSBP Lambda.2"],
  },
  {
    name: "a security group open to the world on SSH, with undocumented rules and open egress, attached to nothing",
    resources: {
      aws_security_group: {
        G: {
          description: "g",
          ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }],
          egress: [{ from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"], description: "all" }],
        },
      },
    },
    address: "aws_security_group.G",
    fails: ["CKV_AWS_23", "CKV_AWS_24", "CKV_AWS_382", "CKV2_AWS_5", "FSBP EC2.18", "FSBP EC2.19", "SecurityHub EC2.53"],
    passes: ["CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "SecurityHub EC2.54"],
  },
  {
    name: "a security group admitting every protocol from anywhere",
    resources: {
      aws_security_group: { G: { description: "g", ingress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], description: "all" }] } },
    },
    address: "aws_security_group.G",
    fails: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "SecurityHub EC2.53"],
    passes: ["CKV_AWS_23", "CKV_AWS_382"],
  },
  {
    name: "an undocumented standalone egress rule to everything",
    resources: {
      aws_vpc_security_group_egress_rule: { E: { security_group_id: "sg-1", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" } },
    },
    address: "aws_vpc_security_group_egress_rule.E",
    fails: ["CKV_AWS_23", "CKV_AWS_382"],
    passes: [],
  },
  {
    name: "an undocumented standalone ingress rule from another group",
    resources: {
      aws_vpc_security_group_ingress_rule: {
        R: { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 22, to_port: 22, referenced_security_group_id: "sg-2" },
      },
    },
    address: "aws_vpc_security_group_ingress_rule.R",
    fails: ["CKV_AWS_23"],
    passes: ["CKV_AWS_24", "CKV_AWS_277"],
  },
  {
    name: "a standalone rule admitting all IPv6 traffic",
    resources: {
      aws_security_group: { G: { description: "g" } },
      aws_vpc_security_group_ingress_rule: {
        R: { security_group_id: "${aws_security_group.G.id}", ip_protocol: "-1", cidr_ipv6: "::/0", description: "all" },
      },
    },
    address: "aws_vpc_security_group_ingress_rule.R",
    fails: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"],
    passes: ["CKV_AWS_23"],
  },
  {
    name: "a group's standalone IPv6 rule counts against the group",
    resources: {
      aws_security_group: { G: { description: "g" } },
      aws_vpc_security_group_ingress_rule: {
        R: { security_group_id: "${aws_security_group.G.id}", ip_protocol: "-1", cidr_ipv6: "::/0", description: "all" },
      },
    },
    address: "aws_security_group.G",
    fails: ["FSBP EC2.18", "FSBP EC2.19", "SecurityHub EC2.54"],
    passes: ["CKV_AWS_23", "CKV_AWS_24", "SecurityHub EC2.53"],
  },
  {
    name: "HTTPS from anywhere is an authorized port, attached to a load balancer",
    resources: {
      aws_security_group: { G: { description: "g" } },
      aws_vpc_security_group_ingress_rule: {
        R: { security_group_id: "${aws_security_group.G.id}", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0", description: "https" },
      },
      aws_lb: { L: { security_groups: ["${aws_security_group.G.id}"] } },
    },
    address: "aws_security_group.G",
    fails: [],
    passes: ["FSBP EC2.18", "FSBP EC2.19", "SecurityHub EC2.53", "CKV2_AWS_5"],
  },
  {
    name: "a VPC without flow logs, with an open default security group and its default network ACL",
    resources: {
      aws_vpc: { V: VPC },
      aws_default_security_group: { D: { vpc_id: vpcRef, ingress: [{ protocol: "-1", self: true, from_port: 0, to_port: 0 }] } },
    },
    address: "aws_vpc.V",
    fails: ["CKV2_AWS_11", "FSBP EC2.6", "CKV2_AWS_12", "FSBP EC2.21", "FSBP EC2.10"],
    passes: [],
  },
  {
    name: "the open default security group itself",
    resources: {
      aws_vpc: { V: VPC },
      aws_default_security_group: { D: { vpc_id: vpcRef } },
      aws_vpc_security_group_egress_rule: {
        E: { security_group_id: "${aws_default_security_group.D.id}", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0", description: "x" },
      },
    },
    address: "aws_default_security_group.D",
    fails: ["FSBP EC2.2"],
    passes: [],
  },
  {
    name: "a VPC with reject flow logs, a locked default group and a default network ACL open to the VPC only",
    resources: {
      aws_vpc: { V: VPC },
      aws_flow_log: { L: { vpc_id: vpcRef, traffic_type: "REJECT" } },
      aws_default_security_group: { D: { vpc_id: vpcRef } },
      aws_default_network_acl: {
        N: {
          default_network_acl_id: "${aws_vpc.V.default_network_acl_id}",
          ingress: [
            { rule_no: 100, protocol: "-1", action: "allow", cidr_block: "10.0.0.0/16", from_port: 0, to_port: 0 },
            // Return traffic of NAT-routed connections: the ephemeral ports, minus RDP's 3389.
            { rule_no: 200, protocol: "6", action: "allow", cidr_block: "0.0.0.0/0", from_port: 1024, to_port: 3388 },
            { rule_no: 210, protocol: "6", action: "allow", cidr_block: "0.0.0.0/0", from_port: 3390, to_port: 65535 },
          ],
        },
      },
    },
    address: "aws_vpc.V",
    fails: [],
    passes: ["CKV2_AWS_11", "FSBP EC2.6", "CKV2_AWS_12", "FSBP EC2.21"],
  },
  {
    name: "an adopted default network ACL admitting all ephemeral ports from anywhere, RDP's 3389 among them",
    resources: {
      aws_vpc: { V: VPC },
      aws_default_network_acl: {
        N: {
          default_network_acl_id: "${aws_vpc.V.default_network_acl_id}",
          ingress: [{ rule_no: 100, protocol: "6", action: "allow", cidr_block: "0.0.0.0/0", from_port: 1024, to_port: 65535 }],
        },
      },
    },
    address: "aws_vpc.V",
    fails: ["FSBP EC2.21"],
    passes: [],
  },
  {
    name: "an adopted default network ACL that still admits SSH from anywhere",
    resources: {
      aws_vpc: { V: VPC },
      aws_default_network_acl: {
        N: {
          default_network_acl_id: "${aws_vpc.V.default_network_acl_id}",
          ingress: [{ rule_no: 100, protocol: "tcp", action: "allow", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 1023 }],
        },
      },
    },
    address: "aws_vpc.V",
    fails: ["FSBP EC2.21"],
    passes: [],
  },
  {
    name: "a route table sending the default route through an instance and a peering",
    resources: {
      aws_route_table: { T: { route: [{ cidr_block: "0.0.0.0/0", instance_id: "i-1" }] } },
      aws_route: { R: { route_table_id: "${aws_route_table.T.id}", destination_cidr_block: "0.0.0.0/0", vpc_peering_connection_id: "pcx-1" } },
    },
    address: "aws_route_table.T",
    fails: ["CKV2_AWS_35", "CKV2_AWS_44"],
    passes: [],
  },
  {
    name: "rotation rarer than every 90 days",
    resources: { aws_secretsmanager_secret_rotation: { R: { secret_id: "s", rotation_rules: { schedule_expression: "rate(91 days)" } } } },
    address: "aws_secretsmanager_secret_rotation.R",
    fails: ["CKV_AWS_304"],
    passes: [],
  },
  {
    name: "rotation every 2160 hours (90 days)",
    resources: { aws_secretsmanager_secret_rotation: { R: { secret_id: "s", rotation_rules: { schedule_expression: "rate(2160 hours)" } } } },
    address: "aws_secretsmanager_secret_rotation.R",
    fails: [],
    passes: ["CKV_AWS_304"],
  },
  {
    name: "a secret without rotation",
    resources: { aws_secretsmanager_secret: { S: { kms_key_id: KEY_ARN } } },
    address: "aws_secretsmanager_secret.S",
    fails: ["CKV2_AWS_57", "FSBP SecretsManager.1", "FSBP SecretsManager.4"],
    passes: ["CKV_AWS_149"],
  },
  {
    name: "a secret whose rotation is too rare, with an alias of the AWS-managed key",
    resources: {
      aws_secretsmanager_secret: { S: { kms_key_id: "alias/aws/secretsmanager" } },
      aws_secretsmanager_secret_rotation: {
        R: { secret_id: "${aws_secretsmanager_secret.S.id}", rotation_rules: { automatically_after_days: 120 } },
      },
    },
    address: "aws_secretsmanager_secret.S",
    fails: ["CKV_AWS_149", "FSBP SecretsManager.4"],
    passes: ["CKV2_AWS_57", "FSBP SecretsManager.1"],
  },
  {
    name: "a public PostgreSQL instance on the default port, parameter group and user name",
    resources: {
      aws_db_instance: {
        D: {
          engine: "postgres",
          instance_class: "db.m7g.large",
          publicly_accessible: true,
          username: "postgres",
          backup_retention_period: 0,
          auto_minor_version_upgrade: false,
          ca_cert_identifier: "rds-ca-2019",
          performance_insights_enabled: true,
        },
      },
    },
    address: "aws_db_instance.D",
    fails: [
      "CKV_AWS_16", "FSBP RDS.3", "CKV_AWS_17", "FSBP RDS.2", "CKV2_AWS_69", "FSBP RDS.23", "FSBP RDS.25", "CKV_AWS_133",
      "FSBP RDS.11", "FSBP RDS.18", "CKV_AWS_226", "FSBP RDS.13", "CKV_AWS_129", "FSBP RDS.9", "CKV_AWS_211",
      "CKV_AWS_354", "CKV2_AWS_60", "FSBP RDS.17", "CKV2_AWS_30", "CKV_AWS_161", "FSBP RDS.10",
    ],
    passes: ["CKV_AWS_353"],
  },
  {
    name: "a PostgreSQL instance whose parameter group forces TLS and logs statements",
    resources: {
      aws_db_parameter_group: {
        G: {
          family: "postgres16",
          parameter: [
            { name: "rds.force_ssl", value: "1" },
            { name: "log_statement", value: "ddl" },
            { name: "log_min_duration_statement", value: "1000" },
          ],
        },
      },
      aws_db_instance: { D: { engine: "postgres", parameter_group_name: "${aws_db_parameter_group.G.name}", port: 5433 } },
    },
    address: "aws_db_instance.D",
    fails: [],
    passes: ["CKV2_AWS_69", "CKV2_AWS_30", "FSBP RDS.23"],
  },
  {
    name: "a larger MySQL instance without Performance Insights",
    resources: { aws_db_instance: { D: { engine: "mysql", instance_class: "db.m7g.large" } } },
    address: "aws_db_instance.D",
    fails: ["CKV_AWS_353"],
    passes: ["CKV_AWS_354"],
  },
  {
    name: "Performance Insights is not expected of a MySQL micro instance; minor upgrades must be set explicitly for Checkov",
    resources: { aws_db_instance: { D: { engine: "mysql", instance_class: "db.t4g.micro" } } },
    address: "aws_db_instance.D",
    fails: ["CKV_AWS_226"],
    passes: ["FSBP RDS.13", "CKV_AWS_354"],
    notApplicable: ["CKV_AWS_353"],
  },
  {
    name: "a MySQL instance whose parameter group forces TLS, on another port",
    resources: {
      aws_db_parameter_group: { G: { family: "mysql8.0", parameter: [{ name: "require_secure_transport", value: "1" }] } },
      aws_db_instance: {
        D: { engine: "mysql", instance_class: "db.t4g.micro", parameter_group_name: "${aws_db_parameter_group.G.name}", port: 3307, username: "app_admin" },
      },
    },
    address: "aws_db_instance.D",
    fails: [],
    passes: ["CKV2_AWS_69", "FSBP RDS.23", "FSBP RDS.25"],
  },
  {
    name: "an Aurora MySQL cluster without encryption, protection, IAM, logs, backtracking or backups, with the default user",
    resources: {
      aws_rds_cluster: { C: { engine: "aurora-mysql", master_username: "admin", backup_retention_period: 0 } },
      aws_rds_cluster_instance: { I: { cluster_identifier: "${aws_rds_cluster.C.cluster_identifier}", engine: "aurora-mysql" } },
    },
    address: "aws_rds_cluster.C",
    fails: [
      "CKV_AWS_96", "FSBP RDS.27", "CKV_AWS_327", "CKV_AWS_139", "FSBP RDS.7", "CKV_AWS_162", "FSBP RDS.12", "CKV_AWS_324",
      "CKV_AWS_325", "FSBP RDS.34", "CKV_AWS_326", "FSBP RDS.14", "CKV_AWS_313", "FSBP RDS.16", "CKV_AWS_133", "FSBP RDS.15",
      "FSBP RDS.24",
    ],
    passes: [],
    notApplicable: ["CKV2_AWS_27"],
  },
  {
    name: "an Aurora PostgreSQL cluster of two instances that logs queries",
    resources: {
      aws_rds_cluster_parameter_group: {
        G: {
          family: "aurora-postgresql16",
          parameter: [
            { name: "log_statement", value: "ddl" },
            { name: "log_min_duration_statement", value: "1000" },
          ],
        },
      },
      aws_rds_cluster: {
        C: {
          engine: "aurora-postgresql",
          db_cluster_parameter_group_name: "${aws_rds_cluster_parameter_group.G.name}",
          storage_encrypted: true,
          kms_key_id: KEY_ARN,
          deletion_protection: true,
          iam_database_authentication_enabled: true,
          enabled_cloudwatch_logs_exports: ["postgresql"],
          copy_tags_to_snapshot: true,
          backup_retention_period: 7,
          master_username: "app_admin",
        },
      },
      aws_rds_cluster_instance: {
        A: { cluster_identifier: "${aws_rds_cluster.C.cluster_identifier}", engine: "aurora-postgresql" },
        B: { cluster_identifier: "${aws_rds_cluster.C.cluster_identifier}", engine: "aurora-postgresql" },
      },
    },
    address: "aws_rds_cluster.C",
    fails: [],
    passes: [
      "CKV_AWS_96", "FSBP RDS.27", "CKV_AWS_327", "CKV_AWS_139", "FSBP RDS.7", "CKV_AWS_162", "FSBP RDS.12", "CKV_AWS_324",
      "CKV_AWS_313", "FSBP RDS.16", "CKV_AWS_133", "FSBP RDS.15", "FSBP RDS.24", "CKV2_AWS_27",
    ],
    notApplicable: ["CKV_AWS_325", "FSBP RDS.34", "CKV_AWS_326"],
  },
  {
    name: "an Aurora PostgreSQL cluster whose parameter group does not log queries",
    resources: {
      aws_rds_cluster_parameter_group: { G: { family: "aurora-postgresql16", parameter: [{ name: "rds.force_ssl", value: "1" }] } },
      aws_rds_cluster: { C: { engine: "aurora-postgresql", db_cluster_parameter_group_name: "${aws_rds_cluster_parameter_group.G.name}" } },
    },
    address: "aws_rds_cluster.C",
    fails: ["CKV2_AWS_27", "FSBP RDS.15"],
    passes: [],
  },
  {
    name: "a public Aurora instance without monitoring, minor upgrades or Performance Insights",
    resources: {
      aws_rds_cluster_instance: {
        I: { engine: "aurora-postgresql", instance_class: "db.r7g.large", publicly_accessible: true, auto_minor_version_upgrade: false },
      },
    },
    address: "aws_rds_cluster_instance.I",
    fails: ["CKV_AWS_17", "FSBP RDS.2", "CKV_AWS_118", "FSBP RDS.6", "CKV_AWS_226", "FSBP RDS.13", "CKV_AWS_353"],
    passes: ["CKV_AWS_354"],
  },
  {
    name: "an Aurora instance with Performance Insights under the AWS-managed key",
    resources: { aws_rds_cluster_instance: { I: { engine: "aurora-postgresql", performance_insights_enabled: true } } },
    address: "aws_rds_cluster_instance.I",
    fails: ["CKV_AWS_354"],
    passes: ["CKV_AWS_353"],
  },
  {
    name: "an Elastic IP attached to nothing",
    resources: { aws_eip: { E: { domain: "vpc" } } },
    address: "aws_eip.E",
    fails: ["CKV2_AWS_19", "SecurityHub EC2.12"],
    passes: [],
  },
  {
    name: "a NAT gateway's Elastic IP",
    resources: {
      aws_eip: { E: { domain: "vpc" } },
      aws_nat_gateway: { N: { allocation_id: "${aws_eip.E.allocation_id}", subnet_id: "subnet-1" } },
    },
    address: "aws_eip.E",
    fails: [],
    passes: ["CKV2_AWS_19", "SecurityHub EC2.12"],
  },
  {
    name: "an Elastic IP outside a VPC, on an instance",
    resources: { aws_eip: { E: { instance: "i-1" } } },
    address: "aws_eip.E",
    fails: ["CKV2_AWS_19"],
    passes: ["SecurityHub EC2.12"],
  },
  {
    name: "a log group kept 30 days without a key",
    resources: { aws_cloudwatch_log_group: { L: { retention_in_days: 30 } } },
    address: "aws_cloudwatch_log_group.L",
    fails: ["CKV_AWS_158", "CKV_AWS_338"],
    passes: ["CKV_AWS_66"],
  },
  {
    name: "a log group kept forever by default, without retention set",
    resources: { aws_cloudwatch_log_group: { L: { kms_key_id: KEY_ARN } } },
    address: "aws_cloudwatch_log_group.L",
    fails: ["CKV_AWS_66", "CKV_AWS_338"],
    passes: ["CKV_AWS_158"],
  },
  {
    name: "an alarm whose actions are off and empty",
    resources: { aws_cloudwatch_metric_alarm: { A: { actions_enabled: false } } },
    address: "aws_cloudwatch_metric_alarm.A",
    fails: ["CKV_AWS_319", "SecurityHub CloudWatch.15"],
    passes: [],
  },
  {
    name: "a subnet that gives public addresses",
    resources: { aws_subnet: { S: { map_public_ip_on_launch: true } } },
    address: "aws_subnet.S",
    fails: ["CKV_AWS_130", "FSBP EC2.15"],
    passes: [],
  },
];

test.each(CASES)("$name", ({ resources, address, fails, passes, notApplicable = [] }) => {
  const results = outcomes(resources, address);
  const expected = Object.fromEntries([
    ...fails.map((id) => [id, false]),
    ...passes.map((id) => [id, true]),
    ...notApplicable.map((id) => [id, undefined]),
  ]);
  const actual = Object.fromEntries(Object.keys(expected).map((id) => [id, results[id]]));
  expect(actual).toEqual(expected);
});

test("every check is seen failing: in a case here, or as an exception that security.test.ts proves fails", () => {
  const key = (id: string, type: string): string => `${id} on ${type}`;
  const seenFailing = new Set([
    ...CASES.flatMap((c) => c.fails.map((id) => key(id, c.address.split(".")[0]))),
    ...[...DEVELOPMENT_EXCEPTIONS, ...NOT_APPLICABLE].map((e) => key(e.checkId, e.resourceType)),
  ]);
  const unseen = CHECKS.filter((c) => !c.ids.some(({ id }) => seenFailing.has(key(id, c.resourceType))));
  expect(unseen.map((c) => key(c.ids[0].id, c.resourceType))).toEqual([]);
});
