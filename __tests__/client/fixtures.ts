/**
 * What the client tests share: the project's Secrets Manager stand-in
 * (`__tests__/support/fake-secrets-manager.ts`, an HTTP server on 127.0.0.1 that the real
 * SDK client talks to, which counts the calls) started for each test, a manual clock for
 * the cache, database secret JSON, and a password that must never appear in an error.
 */
import { PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { FakeSecretsManager } from "../support/fake-secrets-manager";

/** A password that must never appear in an error message. */
export const SENTINEL_PASSWORD = "Pw-SENTINEL-7f3a9c";

/** Access key id of the clients under test: the calls counted are theirs. */
const APPLICATION = "application";

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

/**
 * Starts a stand-in before each test of the calling file and stops it after. Values are
 * written through the API by an administrator's client, so the stand-in's label rules
 * apply (a new AWSCURRENT moves AWSPREVIOUS along).
 */
export function useSecretsManager() {
  let fake: FakeSecretsManager;
  let admin: SecretsManagerClient;
  const created = new Set<string>();
  beforeEach(async () => {
    fake = await FakeSecretsManager.start();
    admin = fake.client("administrator");
    created.clear();
  });
  afterEach(async () => {
    admin.destroy();
    await fake.close();
  });

  return {
    get fake(): FakeSecretsManager {
      return fake;
    },
    get admin(): SecretsManagerClient {
      return admin;
    },
    /**
     * A client for the code under test. One attempt per call: an injected 500 fails the
     * call at once, instead of after the SDK's retries with backoff.
     */
    client(): SecretsManagerClient {
      return fake.client(APPLICATION, { maxAttempts: 1 });
    },
    /** Gives the secret a new version with `value` and the label `stage`, creating the secret on first use. Returns its ARN. */
    async put(name: string, value: string, stage = "AWSCURRENT"): Promise<string> {
      if (!created.has(name)) {
        created.add(name);
        return fake.seedSecret({ name, value, stages: [stage] });
      }
      const { ARN } = await admin.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: [stage] }));
      return ARN as string;
    },
    /** GetSecretValue calls of the clients under test. */
    calls(): number {
      return fake.countCalls({ operation: "GetSecretValue", caller: APPLICATION });
    },
  };
}
