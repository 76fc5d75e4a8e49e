import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import * as v from "valibot";
import { awsIdentifier, lambdaFunctionName } from "./aws-formats";
import { AwsContext } from "./aws-context";
import { policyDocument, type PolicyStatement } from "./policy-document";
import { list, text } from "./field-schemas";
import { settings } from "./settings-schema";
import { parseProps } from "./validation";

/** Props of {@link RotationAlerts}. */
export const RotationAlertsPropsSchema = settings({
  /**
   * Start of every name: topics `<prefix>-rotation-alerts` and `<prefix>-rotation-events`,
   * rules `<prefix>-rotation-failed` and `<prefix>-rotation-succeeded`. 1–40 letters,
   * digits, `-` or `_` (EventBridge rule names are limited to 64 characters).
   */
  namePrefix: text(/^[A-Za-z0-9_-]{1,40}$/, "1 to 40 letters, digits, - or _"),
  /**
   * Names of the rotation functions whose `Errors` metric raises an alarm
   * (`<function>-errors`). Literal names, all different.
   * @default [] (no alarm)
   */
  rotationFunctionNames: v.optional(
    list(lambdaFunctionName("a literal function name: 1 to 64 letters, digits, - or _"), "function names"),
    [],
  ),
  /**
   * E-mail addresses subscribed to the alerts topic. Each receives a confirmation
   * message; until it is confirmed, the subscription stays pending and Terraform cannot
   * delete it (SNS removes unconfirmed subscriptions after 3 days).
   * @default []
   */
  emailSubscribers: v.optional(list(text(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address"), "e-mail addresses"), []),
  /**
   * ARN of the customer-managed KMS key that encrypts both topics. Its key policy must
   * let `events.amazonaws.com` and `cloudwatch.amazonaws.com` use it
   * (`kms:GenerateDataKey*`, `kms:Decrypt`), and must not require `aws:SourceAccount`,
   * `aws:SourceArn` or `aws:SourceOrgID` on EventBridge's grant (only their `IfExists`
   * forms): SNS may not pass them for EventBridge, and every event would be dropped.
   * @default undefined: the topics are not encrypted at rest. The AWS-managed `aws/sns` key
   * cannot be used here: its key policy does not let EventBridge or CloudWatch alarms
   * publish. The messages carry no secret values, only event metadata.
   */
  kmsKeyArn: v.optional(awsIdentifier("kms-key-arn")),
});

/** Props of {@link RotationAlerts}. */
export type RotationAlertsProps = v.InferInput<typeof RotationAlertsPropsSchema>;

/** Secrets Manager's rotation outcomes, as CloudTrail delivers them to EventBridge. */
function rotationEventPattern(eventNames: readonly string[]): string {
  return JSON.stringify({
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: eventNames },
  });
}

/**
 * Notifications about rotation, on two SNS topics:
 *
 * - **alerts** (for people, e-mail subscriptions): Secrets Manager's `RotationFailed` and
 *   `RotationAbandoned` events for any secret of the account and region, and an alarm per
 *   rotation function on its `Errors` metric (Sum ≥ 1 in 5 minutes; no data is not an
 *   error), which also reports when the function recovers.
 * - **events** (for applications): Secrets Manager's `RotationSucceeded` events, so that
 *   a client cache can drop the rotated secret at once. Subscribe a queue to it.
 *
 * Each message is the EventBridge event unchanged (JSON): `detail.eventName` is the
 * outcome and `detail.additionalEventData.SecretId` the rotated secret's ARN. The events
 * come from CloudTrail's management events, which every account records without a trail.
 *
 * Each topic's policy lets only this construct's rules and alarms publish (`aws:SourceArn`)
 * and only for this account (`aws:SourceAccount`); principals of the account keep the
 * access their IAM policies give them.
 */
export class RotationAlerts extends Construct {
  /** ARN of the alerts topic (failures, abandoned rotations, function errors). */
  public readonly topicArn: string;
  /** ARN of the rotation events topic (successful rotations). */
  public readonly eventsTopicArn: string;

  constructor(scope: Construct, id: string, alertsProps: RotationAlertsProps) {
    super(scope, id);
    const props = parseProps(RotationAlertsPropsSchema, alertsProps);
    const { rotationFunctionNames: functionNames, emailSubscribers: emails } = props;

    const alerts = new SnsTopic(this, "AlertsTopic", {
      name: `${props.namePrefix}-rotation-alerts`,
      displayName: "Secret rotation alerts",
      kmsMasterKeyId: props.kmsKeyArn,
    });
    const events = new SnsTopic(this, "EventsTopic", {
      name: `${props.namePrefix}-rotation-events`,
      displayName: "Secret rotation events",
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.topicArn = alerts.arn;
    this.eventsTopicArn = events.arn;

    const failed = this.forwardEvents("Failed", {
      name: `${props.namePrefix}-rotation-failed`,
      description: "Secrets Manager rotation failed or was abandoned",
      eventNames: ["RotationFailed", "RotationAbandoned"],
      topic: alerts,
    });
    const succeeded = this.forwardEvents("Succeeded", {
      name: `${props.namePrefix}-rotation-succeeded`,
      description: "Secrets Manager rotation succeeded: applications drop the cached secret",
      eventNames: ["RotationSucceeded"],
      topic: events,
    });

    const alarmArns = functionNames.map(
      (functionName) =>
        new CloudwatchMetricAlarm(this, `ErrorsAlarm-${functionName}`, {
          alarmName: `${functionName}-errors`,
          alarmDescription: `The rotation function ${functionName} returned errors: a rotation step failed`,
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: functionName },
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [alerts.arn],
          okActions: [alerts.arn],
        }).arn,
    );

    const accountId = AwsContext.of(this).accountId;
    const publish = (Sid: string, service: string, topic: SnsTopic, sourceArns: readonly string[]): PolicyStatement => ({
      Sid,
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sns:Publish",
      Resource: topic.arn,
      Condition: { ArnEquals: { "aws:SourceArn": sourceArns }, StringEquals: { "aws:SourceAccount": accountId } },
    });
    new SnsTopicPolicy(this, "AlertsTopicPolicy", {
      arn: alerts.arn,
      policy: policyDocument([
        publish("RotationFailedRulePublishes", "events.amazonaws.com", alerts, [failed]),
        ...(alarmArns.length > 0 ? [publish("ErrorAlarmsPublish", "cloudwatch.amazonaws.com", alerts, alarmArns)] : []),
      ]),
    });
    new SnsTopicPolicy(this, "EventsTopicPolicy", {
      arn: events.arn,
      policy: policyDocument([publish("RotationSucceededRulePublishes", "events.amazonaws.com", events, [succeeded])]),
    });

    for (const email of emails) {
      new SnsTopicSubscription(this, `Email-${email}`, { topicArn: alerts.arn, protocol: "email", endpoint: email });
    }
  }

  /** A rule on the default event bus for the given rotation events, targeting the topic. Returns the rule's ARN. */
  private forwardEvents(
    id: string,
    options: { name: string; description: string; eventNames: readonly string[]; topic: SnsTopic },
  ): string {
    const rule = new CloudwatchEventRule(this, `${id}Rule`, {
      name: options.name,
      description: options.description,
      eventPattern: rotationEventPattern(options.eventNames),
    });
    new CloudwatchEventTarget(this, `${id}Target`, { rule: rule.name, targetId: "sns", arn: options.topic.arn });
    return rule.arn;
  }
}
