import {
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";

/** A password that must never appear in an error message. */
export const SENTINEL_PASSWORD = "Pw-SENTINEL-7f3a9c";

export function arnOf(name: string): string {
  return `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-AbCdEf`;
}

export function databaseSecret(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    engine: "postgres",
    host: "db.internal",
    port: 5432,
    username: "app",
    password: SENTINEL_PASSWORD,
    dbname: "orders",
    ...overrides,
  });
}

/**
 * A SecretsManagerClient mocked with aws-sdk-client-mock, answering GetSecretValue from
 * a map of name → stage → SecretString, by name or ARN, like the real service.
 * `failWith` makes every call reject until cleared.
 */
export function fakeSecretsManager() {
  const client = new SecretsManagerClient({ region: "eu-west-1" });
  const mock = mockClient(client);
  const versions = new Map<string, Map<string, string | undefined>>();
  let failure: Error | undefined;
  let held: Promise<void> | undefined;

  mock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    if (failure !== undefined) {
      throw failure;
    }
    const name = [...versions.keys()].find((n) => n === input.SecretId || arnOf(n) === input.SecretId);
    const stage = input.VersionStage ?? "AWSCURRENT";
    if (name === undefined || !versions.get(name)?.has(stage)) {
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { httpStatusCode: 400 },
      });
    }
    // The value is read when the request arrives, the answer delivered when released.
    const answer = { ARN: arnOf(name), Name: name, SecretString: versions.get(name)?.get(stage), VersionStages: [stage] };
    await held;
    return answer;
  });

  return {
    client,
    /** Sets the value of a secret's label; `undefined` makes a binary version. */
    put(name: string, value: string | undefined, stage = "AWSCURRENT"): void {
      const stages = versions.get(name) ?? new Map<string, string | undefined>();
      stages.set(stage, value);
      versions.set(name, stages);
    },
    /** Deletes a label, or the whole secret when no label is given. */
    remove(name: string, stage?: string): void {
      if (stage === undefined) {
        versions.delete(name);
      } else {
        versions.get(name)?.delete(stage);
      }
    },
    failWith(error: Error | undefined): void {
      failure = error;
    },
    /**
     * Holds the answers of the calls made from now on (each reads the value when it
     * arrives) until the returned function is called.
     */
    hold(): () => void {
      let release = (): void => undefined;
      held = new Promise((resolve) => {
        release = () => {
          held = undefined;
          resolve();
        };
      });
      return release;
    },
    /** Number of GetSecretValue calls so far. */
    calls(): number {
      return mock.commandCalls(GetSecretValueCommand).length;
    },
    lastInput(): GetSecretValueCommandInput | undefined {
      return mock.commandCalls(GetSecretValueCommand).at(-1)?.args[0].input;
    },
  };
}

/** A manual clock for SecretCache's `now` (starts above 0, as the cache requires). */
export function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: (): number => time,
    advance(ms: number): void {
      time += ms;
    },
  };
}

/** Every message in an error's cause chain, plus its stack, for "no secret value" checks. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? "");
  }
  return parts.join("\n");
}
