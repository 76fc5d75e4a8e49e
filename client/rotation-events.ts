import type { SecretCache } from "./secret-cache";

/** What {@link handleRotationEvent} did with a message. */
export type RotationEventOutcome =
  | {
      readonly action: "invalidated";
      /** The secret named by the event, normally its full ARN. */
      readonly secretId: string;
      /** Cache entries dropped (0 when this process had not read the secret). */
      readonly entriesDropped: number;
    }
  | {
      readonly action: "ignored";
      /** Why the message was not a rotation of a secret. */
      readonly reason: string;
    };

/**
 * Envelopes peeled off at most: the deepest real nesting is an SQS record carrying an SNS
 * notification (2); one more tolerates a custom wrapper, and deeper input is not ours.
 */
const MAX_ENVELOPES = 3;

/**
 * Drops a secret from the cache when a message announces that its rotation succeeded,
 * so that the next read gets the new version without waiting for the TTL or for an
 * authentication failure.
 *
 * `message` may be:
 * - the EventBridge event, `source` `aws.secretsmanager`, detail-type
 *   "AWS Service Event via CloudTrail", `detail.eventName` `RotationSucceeded`, with the
 *   secret's ARN in `detail.additionalEventData.SecretId` (also looked for in
 *   `detail.serviceEventDetails.secretId`, `detail.requestParameters.secretId` and
 *   `resources`);
 * - an SNS notification (`Type: "Notification"`, or a Lambda SNS record's `Sns`) whose
 *   `Message` is that event's JSON;
 * - an SQS message whose body is either of the above (raw or enveloped delivery): a
 *   Lambda SQS record (`body`) or a message from the SDK's ReceiveMessage (`Body`);
 * - the JSON text of any of these.
 *
 * Any other message, including other Secrets Manager events, is ignored. Never throws on
 * malformed input: the outcome says why it was ignored.
 */
export function handleRotationEvent(cache: SecretCache, message: unknown): RotationEventOutcome {
  const event = unwrap(message, MAX_ENVELOPES);
  if (event === undefined) {
    return ignored("not an EventBridge event, SNS notification or SQS record");
  }
  if (event.source !== "aws.secretsmanager") {
    return ignored("not a Secrets Manager event");
  }
  const detail = asRecord(event.detail) ?? {};
  const eventName = detail.eventName;
  if (eventName !== "RotationSucceeded") {
    return ignored(typeof eventName === "string" ? `${eventName} is not RotationSucceeded` : "no eventName");
  }
  const secretId = secretIdOf(event, detail);
  if (secretId === undefined) {
    return ignored("RotationSucceeded event names no secret");
  }
  return { action: "invalidated", secretId, entriesDropped: cache.invalidate(secretId) };
}

type JsonRecord = Readonly<Record<string, unknown>>;

/** Peels SQS and SNS envelopes (and JSON text) off an EventBridge event. */
function unwrap(message: unknown, envelopesLeft: number): JsonRecord | undefined {
  if (typeof message === "string") {
    return unwrap(parseJson(message), envelopesLeft);
  }
  const record = asRecord(message);
  if (record === undefined) {
    return undefined;
  }
  if ("detail" in record && "source" in record) {
    return record;
  }
  if (envelopesLeft === 0) {
    return undefined;
  }
  const sqsBody = record.body ?? record.Body;
  if (typeof sqsBody === "string") {
    return unwrap(sqsBody, envelopesLeft - 1);
  }
  if (record.Sns !== undefined) {
    return unwrap(record.Sns, envelopesLeft - 1);
  }
  if (record.Type === "Notification" && typeof record.Message === "string") {
    return unwrap(record.Message, envelopesLeft - 1);
  }
  return undefined;
}

function secretIdOf(event: JsonRecord, detail: JsonRecord): string | undefined {
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const candidates = [
    asRecord(detail.additionalEventData)?.SecretId,
    asRecord(detail.serviceEventDetails)?.secretId,
    asRecord(detail.requestParameters)?.secretId,
    ...resources.map((resource) => (typeof resource === "string" ? resource : asRecord(resource)?.ARN)),
  ];
  return candidates.find((candidate): candidate is string => typeof candidate === "string" && candidate !== "");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

function ignored(reason: string): RotationEventOutcome {
  return { action: "ignored", reason };
}
