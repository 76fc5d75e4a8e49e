import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import { AwsContext } from "./aws-context";
import { policyDocument } from "./policy-document";
import { serviceRole } from "./service-role";

/** What {@link createFlowLogs} needs. */
export interface FlowLogsOptions {
  /** The VPC whose traffic is logged. */
  readonly vpcId: string;
  /** Start of the log group's, the role's and the tag's names. */
  readonly name: string;
  readonly retentionDays: number;
  /** @default CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
}

/**
 * Flow logs of all traffic of a VPC to a log group, through a role that only VPC Flow
 * Logs of this account can assume. The resources are created directly in `scope`.
 */
export function createFlowLogs(scope: Construct, { vpcId, name, retentionDays, kmsKeyArn }: FlowLogsOptions): void {
  const context = AwsContext.of(scope);
  const logGroup = new CloudwatchLogGroup(scope, "FlowLogGroup", {
    name: `/${name}/vpc-flow-logs`,
    retentionInDays: retentionDays,
    kmsKeyId: kmsKeyArn,
  });
  const role = serviceRole(scope, "FlowLogRole", {
    name: `${name}-vpc-flow-logs`,
    description: `Delivers the flow logs of VPC ${name} to CloudWatch Logs`,
    servicePrincipal: "vpc-flow-logs.amazonaws.com",
    trustSid: "VpcFlowLogsOfThisAccount",
    sourceArnLike: context.arn("ec2", "vpc-flow-log/*"),
  });
  new IamRolePolicy(scope, "FlowLogRolePolicy", {
    role: role.name,
    name: "deliver-flow-logs",
    policy: policyDocument([
      {
        Sid: "WriteFlowLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroup.arn, `${logGroup.arn}:*`],
      },
      {
        Sid: "DescribeLogGroups",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: context.arn("logs", "log-group:*"),
      },
    ]),
  });
  new FlowLog(scope, "FlowLog", {
    vpcId,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
    tags: { Name: name },
  });
}
