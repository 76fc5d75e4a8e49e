import { handleRotationEvent } from "../../client/rotation-events";
import { SecretCache } from "../../client/secret-cache";
import { manualClock, useSecretsManager } from "./fixtures";

const sm = useSecretsManager();

/**
 * A RotationSucceeded event as EventBridge delivers it: a CloudTrail service event with
 * empty `resources`, null `requestParameters` and the ARN in `additionalEventData`.
 */
function rotationEvent(arn: string, eventName = "RotationSucceeded", detail: Record<string, unknown> = {}) {
  return {
    version: "0",
    id: "4f0c7e35-6f7c-2a8e-1f23-0d6e4a0b9c11",
    "detail-type": "AWS Service Event via CloudTrail",
    source: "aws.secretsmanager",
    account: "111122223333",
    time: "2025-11-03T10:15:42Z",
    region: "eu-west-1",
    resources: [],
    detail: {
      eventVersion: "1.08",
      userIdentity: { accountId: "111122223333", invokedBy: "secretsmanager.amazonaws.com" },
      eventTime: "2025-11-03T10:15:42Z",
      eventSource: "secretsmanager.amazonaws.com",
      eventName,
      awsRegion: "eu-west-1",
      sourceIPAddress: "secretsmanager.amazonaws.com",
      userAgent: "secretsmanager.amazonaws.com",
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: arn },
      eventID: "b1f2a3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b",
      readOnly: false,
      eventType: "AwsServiceEvent",
      managementEvent: true,
      recipientAccountId: "111122223333",
      eventCategory: "Management",
      ...detail,
    },
  };
}

/** The SNS notification JSON that SQS receives from a topic without raw delivery. */
function snsNotification(message: unknown) {
  return {
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: "arn:aws:sns:eu-west-1:111122223333:secret-rotations",
    Message: JSON.stringify(message),
    Timestamp: "2025-11-03T10:15:43.000Z",
    SignatureVersion: "1",
  };
}

function sqsRecord(body: unknown) {
  return {
    messageId: "059f36b4-87a3-44ab-83d2-661975830a7d",
    receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:app-secret-rotations",
    awsRegion: "eu-west-1",
  };
}

/** A cache that has read the secret app/db by name; its ARN. */
async function cachedSecret() {
  const cache = new SecretCache({ client: sm.client(), now: manualClock().now });
  const arn = await sm.put("app/db", "v1");
  await cache.get("app/db");
  return { cache, arn };
}

/** The stand-in's ARN of a secret it does not hold (its suffix is its own). */
const OTHER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf";

describe("handleRotationEvent", () => {
  test.each<[string, (arn: string) => unknown]>([
    ["the EventBridge event", (arn) => rotationEvent(arn)],
    ["its JSON text", (arn) => JSON.stringify(rotationEvent(arn))],
    ["an SNS notification", (arn) => snsNotification(rotationEvent(arn))],
    ["a Lambda SNS record", (arn) => ({ EventSource: "aws:sns", Sns: snsNotification(rotationEvent(arn)) })],
    ["an SQS record with raw delivery", (arn) => sqsRecord(rotationEvent(arn))],
    ["an SQS record carrying an SNS notification", (arn) => sqsRecord(snsNotification(rotationEvent(arn)))],
    ["the JSON text of that SQS record", (arn) => JSON.stringify(sqsRecord(snsNotification(rotationEvent(arn))))],
    [
      "a message from the SDK's ReceiveMessage",
      (arn) => ({ MessageId: "m-1", ReceiptHandle: "r-1", Body: JSON.stringify(snsNotification(rotationEvent(arn))) }),
    ],
  ])("%s invalidates a secret cached by name", async (_case, message) => {
    const { cache, arn } = await cachedSecret();
    await sm.put("app/db", "v2");

    expect(handleRotationEvent(cache, message(arn))).toEqual({ action: "invalidated", secretId: arn, entriesDropped: 1 });
    await expect(cache.get("app/db")).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });

  test.each<[string, (arn: string) => Record<string, unknown>]>([
    ["detail.serviceEventDetails.secretId", (arn) => ({ additionalEventData: undefined, serviceEventDetails: { secretId: arn } })],
    ["detail.requestParameters.secretId", (arn) => ({ additionalEventData: undefined, requestParameters: { secretId: arn } })],
  ])("finds the secret in %s", async (_case, detail) => {
    const { cache, arn } = await cachedSecret();
    expect(handleRotationEvent(cache, rotationEvent(arn, "RotationSucceeded", detail(arn)))).toEqual({
      action: "invalidated",
      secretId: arn,
      entriesDropped: 1,
    });
  });

  test("finds the secret in resources", async () => {
    const { cache, arn } = await cachedSecret();
    const event = { ...rotationEvent(arn, "RotationSucceeded", { additionalEventData: undefined }), resources: [arn] };
    expect(handleRotationEvent(cache, event)).toEqual({ action: "invalidated", secretId: arn, entriesDropped: 1 });
  });

  test("reports 0 entries for a secret this process never read", async () => {
    const { cache } = await cachedSecret();
    expect(handleRotationEvent(cache, rotationEvent(OTHER_ARN))).toEqual({
      action: "invalidated",
      secretId: OTHER_ARN,
      entriesDropped: 0,
    });
  });

  test.each<[string, (arn: string) => unknown, string]>([
    ["RotationStarted", (arn) => rotationEvent(arn, "RotationStarted"), "RotationStarted is not RotationSucceeded"],
    ["RotationFailed", (arn) => sqsRecord(rotationEvent(arn, "RotationFailed")), "RotationFailed is not RotationSucceeded"],
    ["another service", (arn) => ({ ...rotationEvent(arn), source: "aws.rds" }), "not a Secrets Manager event"],
    ["an event without eventName", (arn) => ({ ...rotationEvent(arn), detail: {} }), "no eventName"],
    [
      "a rotation naming no secret",
      (arn) => rotationEvent(arn, "RotationSucceeded", { additionalEventData: null }),
      "RotationSucceeded event names no secret",
    ],
    ["a body that is not JSON", () => sqsRecord("hello"), "not an EventBridge event, SNS notification or SQS record"],
    ["an unknown object", () => ({ Records: [] }), "not an EventBridge event, SNS notification or SQS record"],
    ["null", () => null, "not an EventBridge event, SNS notification or SQS record"],
    [
      "envelopes nested too deep",
      (arn) => sqsRecord(sqsRecord(snsNotification(sqsRecord(rotationEvent(arn))))),
      "not an EventBridge event, SNS notification or SQS record",
    ],
  ])("ignores %s", async (_case, message, reason) => {
    const { cache, arn } = await cachedSecret();
    expect(handleRotationEvent(cache, message(arn))).toEqual({ action: "ignored", reason });
    await cache.get("app/db");
    expect(sm.calls()).toBe(1);
  });
});
