import { CreateSecretCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import {
  DEFAULT_FORCE_REFRESH_INTERVAL_MS,
  DEFAULT_HARD_EXPIRY_MS,
  DEFAULT_RETRY_AFTER_ERROR_MS,
  DEFAULT_TTL_MS,
  SecretCache,
  SecretCacheError,
  type SecretCacheOptions,
} from "../../client/secret-cache";
import { SENTINEL_PASSWORD, errorText, manualClock, useSecretsManager } from "./fixtures";

const TTL = 60_000;
const HARD = 10 * TTL;
const RETRY = 5_000;
const FORCE_INTERVAL = 2_000;

const sm = useSecretsManager();

function setup(options: Partial<SecretCacheOptions> = {}) {
  const clock = manualClock();
  const cache = new SecretCache({
    client: sm.client(),
    now: clock.now,
    ttlMs: TTL,
    hardExpiryMs: HARD,
    retryAfterErrorMs: RETRY,
    forceRefreshIntervalMs: FORCE_INTERVAL,
    ...options,
  });
  return { clock, cache };
}

/** Makes every GetSecretValue fail with HTTP 500 until the returned function is called. */
function outage(): () => void {
  return sm.fake.injectFault({ operation: "GetSecretValue", message: "service unavailable" });
}

const OUTAGE = { name: "InternalServiceError" };

describe("SecretCache reads", () => {
  test("returns the SecretString of AWSCURRENT by default, and of the label asked for", async () => {
    const { cache } = setup();
    await sm.put("app/db", "previous");
    await sm.put("app/db", "current");

    await expect(cache.get("app/db")).resolves.toBe("current");
    await expect(cache.get("app/db", { versionStage: "AWSPREVIOUS" })).resolves.toBe("previous");
    expect(sm.calls()).toBe(2);
  });

  test("getJson parses the value and returns a new object each time", async () => {
    const { cache } = setup();
    await sm.put("app/config", '{"a":{"b":1}}');

    const first = await cache.getJson<{ a: { b: number } }>("app/config");
    first.a.b = 2;
    await expect(cache.getJson("app/config")).resolves.toEqual({ a: { b: 1 } });
    expect(sm.calls()).toBe(1);
  });

  test("defaults: 1 hour TTL, 24 hour hard expiry, 10 s retry pause, 5 s between forced refreshes", () => {
    expect([DEFAULT_TTL_MS, DEFAULT_HARD_EXPIRY_MS, DEFAULT_RETRY_AFTER_ERROR_MS, DEFAULT_FORCE_REFRESH_INTERVAL_MS]).toEqual([
      3_600_000, 86_400_000, 10_000, 5_000,
    ]);
  });

  test("without options, a failed refresh is retried after 10 s and the value dropped after 24 hours", async () => {
    const clock = manualClock();
    const cache = new SecretCache({ client: sm.client(), now: clock.now });
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    outage();

    clock.advance(DEFAULT_TTL_MS + 1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    clock.advance(DEFAULT_RETRY_AFTER_ERROR_MS);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);
    clock.advance(1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(3);

    // 1 ms before the hard expiry (24 h after the read) the value is still served...
    clock.advance(DEFAULT_HARD_EXPIRY_MS - 1 - (DEFAULT_TTL_MS + DEFAULT_RETRY_AFTER_ERROR_MS + 2));
    await expect(cache.get("app/db")).resolves.toBe("v1");
    // ...and only until then.
    clock.advance(2);
    await expect(cache.get("app/db")).rejects.toMatchObject(OUTAGE);
  });

  test("without options, a second forced refresh within 5 s makes no call", async () => {
    const clock = manualClock();
    const cache = new SecretCache({ client: sm.client(), now: clock.now });
    await sm.put("app/db", "v1");
    await cache.get("app/db", { forceRefresh: true });
    await sm.put("app/db", "v2");

    clock.advance(DEFAULT_FORCE_REFRESH_INTERVAL_MS - 1);
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v1");
    expect(sm.calls()).toBe(1);
    clock.advance(1);
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });
});

describe("SecretCache TTL", () => {
  test("serves the cached value until the TTL has passed, then refreshes", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    await sm.put("app/db", "v2");

    clock.advance(TTL);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(1);

    clock.advance(1);
    await expect(cache.get("app/db")).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });

  test("the default TTL is one hour", async () => {
    const clock = manualClock();
    const cache = new SecretCache({ client: sm.client(), now: clock.now });
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    clock.advance(DEFAULT_TTL_MS);
    await cache.get("app/db");
    expect(sm.calls()).toBe(1);
    clock.advance(1);
    await cache.get("app/db");
    expect(sm.calls()).toBe(2);
  });

  test("forceRefresh asks Secrets Manager even when the value is fresh", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    await sm.put("app/db", "v2");

    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    await expect(cache.get("app/db")).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });
});

describe("SecretCache forced refresh throttle", () => {
  test("at most one forced refresh per interval, counted from the last one; ordinary reads do not count", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    await sm.put("app/db", "v2");

    // The first forced refresh right after an ordinary read asks.
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    await sm.put("app/db", "v3");
    for (let n = 0; n < 100; n += 1) {
      await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    }
    expect(sm.calls()).toBe(2);

    clock.advance(FORCE_INTERVAL);
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v3");
    expect(sm.calls()).toBe(3);
  });

  test("inside the interval, a forced refresh of an expired value is an ordinary refresh", async () => {
    const { clock, cache } = setup({ ttlMs: 1_000, hardExpiryMs: 1_000 });
    await sm.put("app/db", "v1");
    await cache.get("app/db", { forceRefresh: true });
    await sm.put("app/db", "v2");

    clock.advance(1_001);
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });

  test("each secret and label has its own interval", async () => {
    const { cache } = setup();
    await sm.put("app/a", "a");
    await sm.put("app/b", "b");
    await sm.put("app/b", "b2");

    await cache.get("app/a", { forceRefresh: true });
    await cache.get("app/b", { forceRefresh: true });
    await cache.get("app/b", { forceRefresh: true, versionStage: "AWSPREVIOUS" });
    await cache.get("app/b", { forceRefresh: true });
    expect(sm.calls()).toBe(3);
  });

  test("a forced refresh that fails counts too: an outage costs one call per interval, not one per caller", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    outage();

    for (let n = 0; n < 50; n += 1) {
      await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v1");
    }
    expect(sm.calls()).toBe(2);
    clock.advance(FORCE_INTERVAL);
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v1");
    expect(sm.calls()).toBe(3);
  });

  test("a forced refresh of a secret that was dropped from the cache asks", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db", { forceRefresh: true });
    await sm.put("app/db", "v2");

    cache.invalidate("app/db");
    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });
});

describe("SecretCache single flight", () => {
  test("concurrent reads of a missing entry share one request", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");

    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get("app/db")));
    expect(values).toEqual(Array(20).fill("v1"));
    expect(sm.calls()).toBe(1);
  });

  test("concurrent reads of an expired entry share one refresh, and wait for it", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    await sm.put("app/db", "v2");
    clock.advance(TTL + 1);

    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get("app/db")));
    expect(values).toEqual(Array(10).fill("v2"));
    expect(sm.calls()).toBe(2);
  });

  test("concurrent forced refreshes share one request", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    await sm.put("app/db", "v2");

    const values = await Promise.all(Array.from({ length: 5 }, () => cache.get("app/db", { forceRefresh: true })));
    expect(values).toEqual(Array(5).fill("v2"));
    expect(sm.calls()).toBe(2);
  });

  test("different labels of a secret are different requests", async () => {
    const { cache } = setup();
    await sm.put("app/db", "p");
    await sm.put("app/db", "c");

    await Promise.all([cache.get("app/db"), cache.get("app/db", { versionStage: "AWSPREVIOUS" })]);
    expect(sm.calls()).toBe(2);
  });
});

describe("SecretCache stale-on-error", () => {
  test("serves the last good value when a refresh fails, and retries after the pause", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    clock.advance(TTL + 1);
    const recover = outage();

    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);

    clock.advance(RETRY);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);

    clock.advance(1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(3);

    recover();
    await sm.put("app/db", "v2");
    clock.advance(RETRY + 1);
    await expect(cache.get("app/db")).resolves.toBe("v2");
    expect(sm.calls()).toBe(4);
  });

  test("a forced refresh that fails also returns the last good value", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    outage();

    await expect(cache.get("app/db", { forceRefresh: true })).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);
  });

  test("after the hard expiry the refresh error propagates and the value is dropped", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    const recover = outage();

    clock.advance(HARD - 1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    // The retry pause is cut short so the value is not served past the hard expiry.
    clock.advance(1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    clock.advance(1);
    await expect(cache.get("app/db")).rejects.toMatchObject(OUTAGE);

    recover();
    await sm.put("app/db", "v2");
    clock.advance(RETRY + 1);
    await expect(cache.get("app/db")).resolves.toBe("v2");
  });

  test("without a cached value, the error propagates, and comes back without a call until the pause has passed", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    const recover = outage();

    const error = await cache.get("app/db").catch((e: unknown) => e);
    expect(error).toMatchObject(OUTAGE);
    recover();
    for (let n = 0; n < 50; n += 1) {
      await expect(cache.get("app/db", { forceRefresh: n % 2 === 0 })).rejects.toBe(error);
    }
    clock.advance(RETRY);
    await expect(cache.get("app/db")).rejects.toBe(error);
    expect(sm.calls()).toBe(1);

    clock.advance(1);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);
  });

  test("a secret that does not exist yet costs one call per pause, not one per read", async () => {
    const { clock, cache } = setup();
    await expect(cache.get("app/new")).rejects.toThrow("secret app/new (AWSCURRENT) was not found (ResourceNotFoundException)");
    await sm.put("app/new", "v1");
    await expect(cache.get("app/new")).rejects.toThrow("was not found");
    expect(sm.calls()).toBe(1);

    clock.advance(RETRY + 1);
    await expect(cache.get("app/new")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);
  });

  test("invalidating a secret forgets a failed read of it", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    const recover = outage();
    await expect(cache.get("app/db")).rejects.toMatchObject(OUTAGE);
    recover();

    expect(cache.invalidate("app/db")).toBe(0);
    await expect(cache.get("app/db")).resolves.toBe("v1");
    expect(sm.calls()).toBe(2);
  });

  test("all callers waiting on a failed request get its error", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    outage();

    const results = await Promise.allSettled([cache.get("app/db"), cache.get("app/db")]);
    expect(results).toEqual([
      { status: "rejected", reason: expect.objectContaining(OUTAGE) },
      { status: "rejected", reason: expect.objectContaining(OUTAGE) },
    ]);
    expect((results[0] as PromiseRejectedResult).reason).toBe((results[1] as PromiseRejectedResult).reason);
    expect(sm.calls()).toBe(1);
  });

  test("a secret scheduled for deletion is not served stale", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    sm.fake.injectFault({
      operation: "GetSecretValue",
      errorType: "InvalidRequestException",
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
    clock.advance(TTL + 1);

    await expect(cache.get("app/db")).rejects.toMatchObject({ name: "InvalidRequestException" });
  });

  test("a deleted secret is not served stale", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "v1");
    await cache.get("app/db");
    sm.fake.injectFault({
      operation: "GetSecretValue",
      errorType: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret.",
    });
    clock.advance(TTL + 1);

    await expect(cache.get("app/db")).rejects.toThrow("secret app/db (AWSCURRENT) was not found (ResourceNotFoundException)");
  });

  test("a label moved away is not served stale", async () => {
    const { clock, cache } = setup();
    await sm.put("app/db", "current");
    await sm.put("app/db", "pending", "AWSPENDING");
    await cache.get("app/db", { versionStage: "AWSPENDING" });
    const pending = sm.fake.versions("app/db").find((version) => version.stages.includes("AWSPENDING"));
    await sm.admin.send(
      new UpdateSecretVersionStageCommand({ SecretId: "app/db", VersionStage: "AWSPENDING", RemoveFromVersionId: pending?.versionId }),
    );
    clock.advance(TTL + 1);

    await expect(cache.get("app/db", { versionStage: "AWSPENDING" })).rejects.toThrow(
      "secret app/db (AWSPENDING) was not found (ResourceNotFoundException)",
    );
  });
});

describe("SecretCache bad input and errors", () => {
  test("an empty secret id or label is rejected before any call", async () => {
    const { cache } = setup();
    await expect(cache.get("")).rejects.toThrow(new TypeError("secretId must be a non-empty string, got an empty string"));
    await expect(cache.get("app/db", { versionStage: "" })).rejects.toThrow(
      new TypeError("versionStage must be a non-empty string, got an empty string"),
    );
    await expect(cache.get(undefined as unknown as string)).rejects.toThrow(
      "secretId must be a non-empty string, got undefined",
    );
    expect(() => cache.invalidate("")).toThrow("secretId must be a non-empty string, got an empty string");
    expect(sm.calls()).toBe(0);
  });

  test("an unknown secret is a SecretCacheError naming it, with the SDK error as cause", async () => {
    const { cache } = setup();
    const error = await cache.get("app/missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretCacheError);
    expect(error).toMatchObject({
      message: "secret app/missing (AWSCURRENT) was not found (ResourceNotFoundException)",
      secretId: "app/missing",
      versionStage: "AWSCURRENT",
      cause: { name: "ResourceNotFoundException" },
    });
  });

  test("a binary secret is a clear error", async () => {
    const { cache } = setup();
    await sm.admin.send(new CreateSecretCommand({ Name: "app/cert", SecretBinary: Buffer.from("0123") }));
    await expect(cache.get("app/cert")).rejects.toThrow(
      new SecretCacheError("app/cert", "AWSCURRENT", "has no SecretString (binary secrets are not supported)"),
    );
  });

  test("a value that is not JSON is a clear error that does not carry the value", async () => {
    const { cache } = setup();
    await sm.put("app/db", `password=${SENTINEL_PASSWORD}`);
    await sm.put("app/db", "{}");
    const error = await cache.getJson("app/db", { versionStage: "AWSPREVIOUS" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretCacheError);
    expect((error as Error).message).toBe("secret app/db (AWSPREVIOUS) is not valid JSON");
    expect((error as Error).cause).toBeUndefined();
    expect(errorText(error)).not.toContain(SENTINEL_PASSWORD);
  });

  test.each([
    [{ ttlMs: 0 }, "ttlMs must be a positive integer number of milliseconds, got 0"],
    [{ ttlMs: 1.5 }, "ttlMs must be a positive integer number of milliseconds, got 1.5"],
    [{ hardExpiryMs: -1 }, "hardExpiryMs must be a positive integer number of milliseconds, got -1"],
    [{ ttlMs: 10, hardExpiryMs: 9 }, "hardExpiryMs must be at least ttlMs (10), got 9"],
    [{ retryAfterErrorMs: 0 }, "retryAfterErrorMs must be a positive integer number of milliseconds, got 0"],
    [{ forceRefreshIntervalMs: 0 }, "forceRefreshIntervalMs must be a positive integer number of milliseconds, got 0"],
    [{ maxEntries: 0 }, "maxEntries must be a positive integer number of entries, got 0"],
  ])("options %j are rejected", (options, message) => {
    expect(() => new SecretCache(options)).toThrow(new RangeError(message));
  });
});

describe("SecretCache size bound", () => {
  test("keeps at most maxEntries values, evicting the least recently used", async () => {
    const { cache } = setup({ maxEntries: 2 });
    for (const name of ["a", "b", "c"]) {
      await sm.put(name, name);
    }
    await cache.get("a");
    await cache.get("b");
    await cache.get("a");
    await cache.get("c"); // evicts b, the least recently used
    expect(sm.calls()).toBe(3);

    await cache.get("a");
    await cache.get("c");
    expect(sm.calls()).toBe(3);
    await cache.get("b");
    expect(sm.calls()).toBe(4);
  });
});

describe("SecretCache invalidation", () => {
  test("drops every label of a secret", async () => {
    const { cache } = setup();
    await sm.put("app/db", "p");
    await sm.put("app/db", "c");
    await sm.put("other", "o");
    await cache.get("app/db");
    await cache.get("app/db", { versionStage: "AWSPREVIOUS" });
    await cache.get("other");

    expect(cache.invalidate("app/db")).toBe(2);
    await cache.get("other");
    expect(sm.calls()).toBe(3);
    await cache.get("app/db");
    await cache.get("app/db", { versionStage: "AWSPREVIOUS" });
    expect(sm.calls()).toBe(5);
  });

  test("matches an entry read by name when given the ARN, and the other way round", async () => {
    const { cache } = setup();
    const db = await sm.put("app/db", "v1");
    const other = await sm.put("app/other", "o");
    await cache.get("app/db");
    await cache.get(other);

    expect(cache.invalidate(db)).toBe(1);
    expect(cache.invalidate("app/other")).toBe(1);
    expect(cache.invalidate(db)).toBe(0);
  });

  test("drops every alias when the same secret was read by name and by ARN", async () => {
    const { cache } = setup();
    const arn = await sm.put("app/db", "v1");
    await cache.get("app/db");
    await cache.get(arn);

    expect(cache.invalidate("app/db")).toBe(2);
  });

  test("finds a secret by its ARN for as long as its value is cached", async () => {
    const { cache } = setup({ maxEntries: 2 });
    const arns: Record<string, string> = {};
    for (const name of ["a", "b", "c"]) {
      arns[name] = await sm.put(name, name);
    }
    await cache.get("a");
    await cache.get("b");
    await cache.get("a"); // a is used more recently than b...
    await cache.get("c"); // ...so c evicts b, and a stays cached

    expect(cache.invalidate(arns.a)).toBe(1);
    expect(cache.invalidate(arns.c)).toBe(1);
    expect(cache.invalidate(arns.b)).toBe(0);
  });

  test("returns 0 for a secret that was never read", () => {
    const { cache } = setup();
    expect(cache.invalidate("never/read")).toBe(0);
  });

  test("a request in flight still answers its callers, but its value is not kept", async () => {
    const { cache } = setup();
    await sm.put("app/db", "v1");
    const pending = cache.get("app/db");
    expect(cache.invalidate("app/db")).toBe(1);

    await expect(pending).resolves.toBe("v1");
    await sm.put("app/db", "v2");
    await expect(cache.get("app/db")).resolves.toBe("v2");
    expect(sm.calls()).toBe(2);
  });
});
