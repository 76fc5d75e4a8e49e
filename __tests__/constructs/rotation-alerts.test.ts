import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { RotationAlerts, type RotationAlertsProps } from "../../constructs/rotation-alerts";
import { KEY_ARN } from "./rotation-fixtures";
import {
  referenceTo,
  resources,
  statementsOf,
  type Synthesized,
  synthesize,
  type SynthesizedStack,
  testStack,
} from "./test-stack";

const FUNCTIONS = ["prod-rotate-single", "prod-rotate-alternating"];

function synth(overrides: Partial<RotationAlertsProps> = {}): Synthesized {
  const stack = testStack();
  new RotationAlerts(stack, "Alerts", { namePrefix: "prod", rotationFunctionNames: FUNCTIONS, ...overrides });
  return synthesize(stack);
}

/** References to the topics, the rules and the alarms (in the order of FUNCTIONS). Resources synthesize sorted by name. */
function refs(json: SynthesizedStack) {
  return {
    alerts: referenceTo(json, "aws_sns_topic", 0, "arn"),
    events: referenceTo(json, "aws_sns_topic", 1, "arn"),
    failedRule: referenceTo(json, "aws_cloudwatch_event_rule", 0, "arn"),
    succeededRule: referenceTo(json, "aws_cloudwatch_event_rule", 1, "arn"),
    alarms: Object.entries(json.resource?.aws_cloudwatch_metric_alarm ?? {})
      .sort(([, a], [, b]) => FUNCTIONS.indexOf(a.dimensions.FunctionName) - FUNCTIONS.indexOf(b.dimensions.FunctionName))
      .map(([name]) => `\${aws_cloudwatch_metric_alarm.${name}.arn}`),
    account: `\${data.aws_caller_identity.${Object.keys(json.data?.aws_caller_identity ?? {})[0]}.account_id}`,
  };
}

describe("RotationAlerts", () => {
  test("creates an alerts topic and an events topic, unencrypted without a customer-managed key", () => {
    const { synthesized, json } = synth();
    expect(synthesized).not.toHaveResourceWithProperties(SnsTopic, { kms_master_key_id: expect.anything() });
    expect(resources(json, "aws_sns_topic")).toEqual([
      { name: "prod-rotation-alerts", display_name: "Secret rotation alerts" },
      { name: "prod-rotation-events", display_name: "Secret rotation events" },
    ]);
  });

  test("encrypts both topics with the customer-managed key when given", () => {
    const { synthesized, json } = synth({ kmsKeyArn: KEY_ARN });
    expect(resources(json, "aws_sns_topic")).toHaveLength(2);
    for (const name of ["prod-rotation-alerts", "prod-rotation-events"]) {
      expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name, kms_master_key_id: KEY_ARN });
    }
  });

  test("alarms on each rotation function's errors: Sum ≥ 1 over 5 minutes, missing data is fine", () => {
    const { synthesized, json } = synth();
    const { alerts } = refs(json);
    expect(resources(json, "aws_cloudwatch_metric_alarm")).toHaveLength(2);
    FUNCTIONS.forEach((name) =>
      expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: `${name}-errors`,
        alarm_description: expect.stringContaining(name),
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        dimensions: { FunctionName: name },
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: [alerts],
        ok_actions: [alerts],
      }),
    );
  });

  test("sends failed and abandoned rotations to the alerts topic and successes to the events topic, unchanged", () => {
    const { synthesized, json } = synth();
    const { alerts, events } = refs(json);
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "prod-rotation-failed",
      description: "Secrets Manager rotation failed or was abandoned",
    });
    // event_pattern is a JSON string, so its content is checked parsed.
    const rules = resources(json, "aws_cloudwatch_event_rule");
    expect(rules.map((r) => r.name)).toEqual(["prod-rotation-failed", "prod-rotation-succeeded"]);
    const pattern = (eventNames: string[]) => ({
      source: ["aws.secretsmanager"],
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: eventNames },
    });
    expect(JSON.parse(rules[0].event_pattern)).toEqual(pattern(["RotationFailed", "RotationAbandoned"]));
    expect(JSON.parse(rules[1].event_pattern)).toEqual(pattern(["RotationSucceeded"]));
    expect(resources(json, "aws_cloudwatch_event_target")).toEqual([
      { rule: referenceTo(json, "aws_cloudwatch_event_rule", 0, "name"), target_id: "sns", arn: alerts },
      { rule: referenceTo(json, "aws_cloudwatch_event_rule", 1, "name"), target_id: "sns", arn: events },
    ]);
  });

  test("lets only its own rules and alarms publish, for this account", () => {
    const { json } = synth();
    const { alerts, events, failedRule, succeededRule, alarms, account } = refs(json);
    const [alertsPolicy, eventsPolicy] = resources(json, "aws_sns_topic_policy");
    expect(alertsPolicy.arn).toBe(alerts);
    expect(statementsOf(alertsPolicy.policy)).toEqual([
      {
        Sid: "RotationFailedRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: alerts,
        Condition: { ArnEquals: { "aws:SourceArn": [failedRule] }, StringEquals: { "aws:SourceAccount": account } },
      },
      {
        Sid: "ErrorAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: alerts,
        Condition: { ArnEquals: { "aws:SourceArn": alarms }, StringEquals: { "aws:SourceAccount": account } },
      },
    ]);
    expect(eventsPolicy.arn).toBe(events);
    expect(statementsOf(eventsPolicy.policy)).toEqual([
      {
        Sid: "RotationSucceededRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: events,
        Condition: { ArnEquals: { "aws:SourceArn": [succeededRule] }, StringEquals: { "aws:SourceAccount": account } },
      },
    ]);
  });

  test("without rotation functions, has no alarm and no CloudWatch statement", () => {
    const { synthesized, json } = synth({ rotationFunctionNames: undefined });
    expect(synthesized).not.toHaveResource(CloudwatchMetricAlarm);
    expect(statementsOf(resources(json, "aws_sns_topic_policy")[0].policy).map((s) => s.Sid)).toEqual([
      "RotationFailedRulePublishes",
    ]);
  });

  test("subscribes each e-mail address to the alerts topic only", () => {
    const { synthesized, json } = synth({ emailSubscribers: ["oncall@example.com", "dba@example.com"] });
    const { alerts, events } = refs(json);
    expect(resources(json, "aws_sns_topic_subscription")).toHaveLength(2);
    for (const endpoint of ["oncall@example.com", "dba@example.com"]) {
      expect(synthesized).toHaveResourceWithProperties(SnsTopicSubscription, {
        topic_arn: alerts,
        protocol: "email",
        endpoint,
      });
    }
    expect(synthesized).not.toHaveResourceWithProperties(SnsTopicSubscription, { topic_arn: events });
  });

  test("exposes both topic ARNs", () => {
    const alerts = new RotationAlerts(testStack(), "Alerts", { namePrefix: "prod" });
    expect(alerts.topicArn).not.toBe(alerts.eventsTopicArn);
  });

  describe("validation", () => {
    test.each<[string, Partial<RotationAlertsProps>, RegExp]>([
      ["namePrefix", { namePrefix: "" }, /^namePrefix is ""; allowed: 1 to 40 letters, digits, - or _$/],
      ["namePrefix", { namePrefix: "prod.eu" }, /^namePrefix is "prod\.eu"; allowed: 1 to 40 letters, digits, - or _$/],
      ["namePrefix", { namePrefix: "p".repeat(41) }, /^namePrefix is "p{41}"; allowed: 1 to 40/],
      ["rotationFunctionNames", { rotationFunctionNames: ["a", "a"] }, /^rotationFunctionNames lists "a" twice; allowed: distinct values$/],
      [
        "rotationFunctionNames",
        { rotationFunctionNames: ["${aws_lambda_function.f.function_name}"] },
        /^rotationFunctionNames\[0\] is .*; allowed: a literal function name: 1 to 64 letters, digits, - or _$/,
      ],
      ["emailSubscribers", { emailSubscribers: ["oncall"] }, /^emailSubscribers\[0\] is "oncall"; allowed: an e-mail address$/],
      ["emailSubscribers", { emailSubscribers: ["a@b.co", "a@b.co"] }, /^emailSubscribers lists "a@b\.co" twice; allowed: distinct values$/],
      ["kmsKeyArn", { kmsKeyArn: "alias/aws/sns" }, /^kmsKeyArn is "alias\/aws\/sns"; allowed: a KMS key ARN/],
    ])("rejects an invalid %s", (_field, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });
  });
});
