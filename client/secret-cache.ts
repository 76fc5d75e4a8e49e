import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { LRUCache } from "lru-cache";
import { SDK_REQUEST_TIMEOUTS } from "../shared/sdk-timeouts";

/** The staging label of the version applications read. */
export const CURRENT_STAGE = "AWSCURRENT";

/**
 * Default soft TTL: one hour, as AWS's own caching clients use. A short TTL is what a
 * client needs when it cannot tell that a secret has changed; this one can. A rotation
 * makes the old password fail, and {@link connectWithSecret} answers an authentication
 * failure with a forced refresh, while {@link handleRotationEvent} drops the entry as
 * soon as the rotation is announced. With alternating users the previous credentials
 * also stay valid for a whole rotation interval (at least 4 hours in Secrets Manager),
 * longer than this TTL. So the TTL only bounds how late changes that do NOT fail
 * authentication (host, port, database name) are seen, and an hour costs 1 call per
 * hour per secret instead of 12 with the Lambda extension's 300 s.
 */
export const DEFAULT_TTL_MS = 60 * 60 * 1000;

/**
 * Default hard expiry: one day. A value this old is not served even when Secrets
 * Manager cannot be reached: by then a single-user secret has normally been rotated,
 * and a revoked permission or a deleted secret must eventually take effect.
 */
export const DEFAULT_HARD_EXPIRY_MS = 24 * 60 * 60 * 1000;

/**
 * Default minimum time between two forced refreshes of one secret version: a credential
 * that keeps failing (a revoked user, a stale password, a `pg_hba.conf` refusal) costs at
 * most one call per 5 s per secret, about $2.60 a month, instead of one per failed
 * connection. It is also how long a client that refreshed inside a single-user rotation's
 * window (and read the old password) waits before it may read the new one, unless a
 * rotation event drops the entry first.
 */
export const DEFAULT_FORCE_REFRESH_INTERVAL_MS = 5 * 1000;

/** Default number of cached secret versions (secret id + staging label). */
export const DEFAULT_MAX_ENTRIES = 100;

/**
 * Default wait before asking Secrets Manager again after a failed read, while the last
 * good value is served or, without one, the same error returned: an outage, a missing
 * secret or a missing permission costs one call per 10 s per secret instead of one per
 * connection.
 */
export const DEFAULT_RETRY_AFTER_ERROR_MS = 10 * 1000;

/** The one Secrets Manager call the cache makes. `SecretsManagerClient` satisfies it. */
export interface GetSecretValueClient {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** Options of {@link SecretCache}. */
export interface SecretCacheOptions {
  /**
   * How long a value is used without asking Secrets Manager again, in milliseconds.
   * After it, the next read refreshes (and waits for the refresh).
   * @default DEFAULT_TTL_MS (1 hour)
   */
  readonly ttlMs?: number;
  /**
   * Age, counted from the last successful read, after which a value is no longer served
   * when a refresh fails: the refresh error propagates instead. At least `ttlMs`.
   * @default DEFAULT_HARD_EXPIRY_MS (24 hours)
   */
  readonly hardExpiryMs?: number;
  /**
   * After a failed read, how long Secrets Manager is not asked again for that secret and
   * label. Meanwhile the last good value is served (never beyond the hard expiry; a
   * forced refresh waits only for `forceRefreshIntervalMs`), or, if there is none, reads
   * fail at once with the same error.
   * @default DEFAULT_RETRY_AFTER_ERROR_MS (10 s)
   */
  readonly retryAfterErrorMs?: number;
  /**
   * Minimum time between two forced refreshes ({@link GetSecretOptions.forceRefresh}) of
   * one secret version, counted from the start of the last one that asked Secrets
   * Manager, whether it succeeded or not. Inside the interval a forced refresh is an
   * ordinary read: the cached value, without a call while it is fresh.
   * @default DEFAULT_FORCE_REFRESH_INTERVAL_MS (5 s)
   */
  readonly forceRefreshIntervalMs?: number;
  /**
   * Maximum number of cached values; each secret id + staging label pair is one entry.
   * The least recently used entry is evicted first.
   * @default DEFAULT_MAX_ENTRIES (100)
   */
  readonly maxEntries?: number;
  /**
   * The Secrets Manager client.
   * @default a new `SecretsManagerClient` with the default configuration (region,
   * credentials and `AWS_ENDPOINT_URL_SECRETS_MANAGER` from the environment), and a 3 s
   * connection and 5 s request timeout
   */
  readonly client?: GetSecretValueClient;
  /**
   * Monotonic clock in milliseconds. Its values must be greater than 0 (the underlying
   * `lru-cache` treats a start time of 0 as "no TTL"). For tests.
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Options of {@link SecretCache.get} and {@link SecretCache.getJson}. */
export interface GetSecretOptions {
  /**
   * Staging label of the version to read.
   * @default "AWSCURRENT"
   */
  readonly versionStage?: string;
  /**
   * Ask Secrets Manager even if the cached value is fresh, unless a forced refresh of
   * this secret and label asked it less than `forceRefreshIntervalMs` ago: then the
   * cached value is returned (or refreshed as usual if its TTL has passed). If a request
   * for the same secret and label is already in flight, join it instead of starting
   * another: its answer may have been read before this call.
   * @default false
   */
  readonly forceRefresh?: boolean;
}

/**
 * An error about one secret version. Its message names the secret and the staging
 * label, never the value.
 */
export class SecretCacheError extends Error {
  constructor(
    /** The secret id as the caller passed it. */
    readonly secretId: string,
    /** The staging label that was read. */
    readonly versionStage: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`secret ${secretId} (${versionStage}) ${problem}`, options);
    this.name = "SecretCacheError";
  }
}

/** A cached secret version. */
interface Entry {
  readonly value: string;
  /** `now()` when Secrets Manager returned the value. */
  readonly fetchedAt: number;
  /** `now()` when the last forced refresh of this entry asked Secrets Manager, if any. */
  readonly forcedAt?: number;
}

interface Target {
  readonly secretId: string;
  readonly versionStage: string;
}

/** What a request to Secrets Manager is for: the target, and whether it is a forced refresh. */
interface Request extends Target {
  readonly forced: boolean;
}

/** How Secrets Manager names a secret: every form a caller may use as `SecretId`. */
interface SecretIdentity {
  readonly arn: string;
  readonly name: string;
}

/**
 * Errors besides ResourceNotFoundException for which serving the last good value would be
 * wrong: Secrets Manager answered, and the answer is that this version is gone (secret
 * scheduled for deletion) or cannot be read. Everything else (throttling, network, 5xx,
 * KMS, IAM) is treated as transient and answered with the last good value until the hard
 * expiry.
 */
const DEFINITIVE_ERRORS = new Set(["InvalidRequestException", "InvalidParameterException"]);

/**
 * An in-memory cache of Secrets Manager secret values.
 *
 * - Values are kept for `ttlMs`; the next read after that refreshes.
 * - Concurrent reads of the same secret and label share one in-flight request.
 * - If a refresh fails with a transient error, the last good value is served until
 *   `hardExpiryMs` after it was read; after that the error propagates. A read that fails
 *   with no value to serve fails at once with the same error for `retryAfterErrorMs`.
 * - A forced refresh asks Secrets Manager at most once per `forceRefreshIntervalMs` per
 *   secret and label.
 * - At most `maxEntries` values are kept (least recently used evicted first).
 * - {@link SecretCache.invalidate} drops every label of a secret, whether it is named by
 *   name, ARN or partial ARN: the cache learns which names and ARNs denote the same
 *   secret from Secrets Manager's responses.
 *
 * LRU, TTL and single flight come from `lru-cache`; this class adds the hard expiry, the
 * refresh throttle, the error messages, JSON parsing and invalidation by any name of a
 * secret.
 */
export class SecretCache {
  private readonly client: GetSecretValueClient;
  private readonly now: () => number;
  private readonly hardExpiryMs: number;
  private readonly retryAfterErrorMs: number;
  private readonly forceRefreshIntervalMs: number;
  private readonly maxEntries: number;
  private readonly entries: LRUCache<string, Entry, Request>;
  /** The error of each failed read that had no value to fall back on, for `retryAfterErrorMs`. */
  private readonly failures: LRUCache<string, { readonly error: unknown }>;
  /**
   * Names and ARNs Secrets Manager returned, by the secret id the caller used. Kept while
   * a value of that id is cached (see forgetUncachedIdentities), however it is used.
   */
  private readonly identities = new Map<string, SecretIdentity>();
  /** Every staging label read so far (a handful), to find all cache keys of a secret. */
  private readonly stagesRead = new Set<string>();

  constructor(options: SecretCacheOptions = {}) {
    const ttlMs = positiveInteger("ttlMs", options.ttlMs ?? DEFAULT_TTL_MS, "milliseconds");
    this.hardExpiryMs = positiveInteger(
      "hardExpiryMs",
      options.hardExpiryMs ?? DEFAULT_HARD_EXPIRY_MS,
      "milliseconds",
    );
    if (this.hardExpiryMs < ttlMs) {
      throw new RangeError(`hardExpiryMs must be at least ttlMs (${ttlMs}), got ${this.hardExpiryMs}`);
    }
    this.retryAfterErrorMs = positiveInteger(
      "retryAfterErrorMs",
      options.retryAfterErrorMs ?? DEFAULT_RETRY_AFTER_ERROR_MS,
      "milliseconds",
    );
    this.forceRefreshIntervalMs = positiveInteger(
      "forceRefreshIntervalMs",
      options.forceRefreshIntervalMs ?? DEFAULT_FORCE_REFRESH_INTERVAL_MS,
      "milliseconds",
    );
    const maxEntries = positiveInteger("maxEntries", options.maxEntries ?? DEFAULT_MAX_ENTRIES, "entries");
    this.maxEntries = maxEntries;
    // Bounded calls: a Secrets Manager that hangs fails the refresh, and readers get the
    // last good value instead of waiting with it.
    this.client = options.client ?? new SecretsManagerClient({ requestHandler: SDK_REQUEST_TIMEOUTS });
    const now = options.now ?? (() => performance.now());
    this.now = now;
    this.entries = new LRUCache<string, Entry, Request>({
      max: maxEntries,
      ttl: ttlMs,
      // Read the clock on every check: the default caches it for 1 ms with a timer.
      ttlResolution: 0,
      perf: { now },
      // Invalidation or eviction during a request must not fail the callers waiting on it;
      // they get its result, which is then not cached.
      ignoreFetchAbort: true,
      fetchMethod: (key, stale, { options: fetchOptions, context }) =>
        this.load(context, stale, fetchOptions).catch((error: unknown) => {
          this.failures.set(key, { error });
          throw error;
        }),
    });
    this.failures = new LRUCache({ max: maxEntries, ttl: this.retryAfterErrorMs, ttlResolution: 0, perf: { now } });
  }

  /**
   * The `SecretString` of a secret version, from the cache when it is fresh.
   *
   * @param secretId name, ARN or partial ARN of the secret
   * @throws SecretCacheError if the secret or the label does not exist, or the version
   *   has no `SecretString`; the Secrets Manager error for a failed refresh with no
   *   value to fall back on
   */
  async get(secretId: string, options: GetSecretOptions = {}): Promise<string> {
    const target = this.target(secretId, options.versionStage);
    const key = cacheKey(target);
    const failure = this.failures.get(key);
    if (failure !== undefined) {
      throw failure.error;
    }
    const forced = options.forceRefresh === true && !this.forcedRecently(key);
    const entry = await this.entries.fetch(key, { context: { ...target, forced }, forceRefresh: forced });
    if (entry === undefined) {
      // Only an aborted fetch resolves to nothing, and ignoreFetchAbort prevents that.
      throw new Error(`lru-cache returned no value for secret ${secretId}`);
    }
    return entry.value;
  }

  /**
   * A secret version parsed as JSON. The result is a new object on every call.
   * No validation: `T` is the caller's assertion about the shape.
   *
   * @throws SecretCacheError "secret <id> (<stage>) is not valid JSON", and as {@link get}
   */
  async getJson<T = unknown>(secretId: string, options: GetSecretOptions = {}): Promise<T> {
    const value = await this.get(secretId, options);
    return parseSecretJson(value, secretId, options.versionStage ?? CURRENT_STAGE) as T;
  }

  /**
   * Drops every cached label of a secret (and any remembered failure to read it), so that
   * the next read asks Secrets Manager.
   * `secretIdOrArn` may be the id the value was read with, or any other name of the same
   * secret (its full ARN, its name) once a read has returned them. A request in flight
   * still answers its callers but is not cached.
   *
   * @returns the number of cache entries dropped
   */
  invalidate(secretIdOrArn: string): number {
    requireNonEmpty("secretId", secretIdOrArn);
    const known = this.identities.get(secretIdOrArn);
    const names = new Set([secretIdOrArn, known?.arn, known?.name]);
    const secretIds = new Set([secretIdOrArn]);
    for (const [secretId, identity] of this.identities.entries()) {
      if (names.has(identity.arn) || names.has(identity.name)) {
        secretIds.add(secretId);
      }
    }
    let dropped = 0;
    for (const secretId of secretIds) {
      for (const versionStage of this.stagesRead) {
        const key = cacheKey({ secretId, versionStage });
        this.failures.delete(key);
        if (this.entries.delete(key)) {
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  private target(secretId: string, versionStage: string = CURRENT_STAGE): Target {
    requireNonEmpty("secretId", secretId);
    requireNonEmpty("versionStage", versionStage);
    this.stagesRead.add(versionStage);
    return { secretId, versionStage };
  }

  /** Whether a forced refresh of this entry asked Secrets Manager less than the interval ago. */
  private forcedRecently(key: string): boolean {
    // During a request, peek returns the entry it will replace.
    const forcedAt = this.entries.peek(key, { allowStale: true })?.forcedAt;
    return forcedAt !== undefined && this.now() - forcedAt < this.forceRefreshIntervalMs;
  }

  /**
   * The `fetchMethod`: one GetSecretValue call, or the stale value if that fails. The
   * entry keeps when its last forced refresh started, failed ones included, so that an
   * outage does not turn every failed connection into a call either.
   */
  private async load(
    request: Request,
    stale: Entry | undefined,
    fetchOptions: LRUCache.FetcherFetchOptions<string, Entry, Request>,
  ): Promise<Entry> {
    const { secretId, versionStage, forced } = request;
    const forcedAt = forced ? this.now() : stale?.forcedAt;
    let response: GetSecretValueCommandOutput;
    try {
      response = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: versionStage }),
      );
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === "ResourceNotFoundException") {
        throw new SecretCacheError(secretId, versionStage, "was not found (ResourceNotFoundException)", {
          cause: error,
        });
      }
      if (stale === undefined || DEFINITIVE_ERRORS.has(String(name))) {
        throw error;
      }
      const hardExpiryLeft = stale.fetchedAt + this.hardExpiryMs - this.now();
      if (hardExpiryLeft <= 0) {
        throw error;
      }
      // Serve the last good value; try again after a pause, never past the hard expiry.
      fetchOptions.ttl = Math.ceil(Math.min(this.retryAfterErrorMs, hardExpiryLeft));
      return { ...stale, forcedAt };
    }
    if (response.SecretString === undefined) {
      throw new SecretCacheError(secretId, versionStage, "has no SecretString (binary secrets are not supported)");
    }
    if (response.ARN !== undefined && response.Name !== undefined) {
      this.identities.set(secretId, { arn: response.ARN, name: response.Name });
      if (this.identities.size > this.maxEntries) {
        this.forgetUncachedIdentities(secretId);
      }
    }
    return { value: response.SecretString, fetchedAt: this.now(), forcedAt };
  }

  /**
   * Drops the identities of secret ids that have no value in the cache any more (evicted,
   * invalidated or failed), except `loading`, whose value is about to be stored. The
   * cache holds at most `maxEntries` values, so at most `maxEntries` identities remain.
   */
  private forgetUncachedIdentities(loading: string): void {
    for (const secretId of this.identities.keys()) {
      const cached = [...this.stagesRead].some(
        (versionStage) => this.entries.peek(cacheKey({ secretId, versionStage }), { allowStale: true }) !== undefined,
      );
      if (!cached && secretId !== loading) {
        this.identities.delete(secretId);
      }
    }
  }
}

/**
 * Parses a secret value as JSON. The error never carries the parser's message, which
 * quotes the input.
 */
function parseSecretJson(value: string, secretId: string, versionStage: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new SecretCacheError(secretId, versionStage, "is not valid JSON");
  }
}

function cacheKey({ secretId, versionStage }: Target): string {
  return JSON.stringify([secretId, versionStage]);
}

function requireNonEmpty(field: string, value: unknown): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${field} must be a non-empty string, got ${value === "" ? "an empty string" : typeof value}`);
  }
}

function positiveInteger(field: string, value: number, unit: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${field} must be a positive integer number of ${unit}, got ${value}`);
  }
  return value;
}
