import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type SecretCache, handleRotationEvent } from "@secrets-rotation/client";

/** Feeds the rotation events of this instance's queue to its cache, for as long as the process runs. */
export async function followRotations(cache: SecretCache, QueueUrl: string): Promise<never> {
  const sqs = new SQSClient({});
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const message of Messages) {
      handleRotationEvent(cache, message); // { action: "invalidated", secretId, ... } or { action: "ignored", ... }
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
