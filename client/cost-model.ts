import { GetSecretValueCommand, type GetSecretValueCommandOutput } from "@aws-sdk/client-secrets-manager";
import { HOURS_PER_MONTH, SECRETS_MANAGER_PRICES } from "../shared/secrets-manager-prices";
import { DEFAULT_TTL_MS, type GetSecretValueClient, SecretCache } from "./secret-cache";


const HOUR_MS = 60 * 60 * 1000;

/** Options of {@link costComparison}. */
export interface CostComparisonOptions {
  /**
   * Connections opened per hour, evenly spaced, all reading the same secret.
   * @default 10000
   */
  readonly connectionsPerHour?: number;
  /**
   * TTL of the cache.
   * @default DEFAULT_TTL_MS (1 hour)
   */
  readonly ttlMs?: number;
}

/** Secrets Manager calls and their price for one way of reading the secret. */
export interface CallCost {
  /** Calls counted in the simulated hour. */
  readonly callsPerHour: number;
  /** `callsPerHour` × {@link HOURS_PER_MONTH}. */
  readonly callsPerMonth: number;
  /** API cost of `callsPerMonth` in USD (the $0.40 per secret-month is the same either way and not included). */
  readonly usdPerMonth: number;
}

/** Result of {@link costComparison}. */
export interface CostComparison {
  /** Connections simulated in the hour. */
  readonly connectionsPerHour: number;
  /** TTL of the cache that was measured. */
  readonly ttlMs: number;
  /** Hours the measured hour is repeated for the monthly figures: {@link HOURS_PER_MONTH}. */
  readonly hoursPerMonth: number;
  /** Every connection reads through one {@link SecretCache}. */
  readonly cached: CallCost;
  /** Every connection calls GetSecretValue. */
  readonly uncached: CallCost;
}

/**
 * Measures how many GetSecretValue calls a service makes for `connectionsPerHour`
 * connections spread evenly over one hour: once through a real {@link SecretCache}
 * (simulated clock, a client that counts calls) and once with one call per connection,
 * then prices a 30-day month in which that hour repeats. Rotations and restarts are
 * not modelled: each adds one call.
 */
export async function costComparison(options: CostComparisonOptions = {}): Promise<CostComparison> {
  const connectionsPerHour = options.connectionsPerHour ?? 10_000;
  if (!Number.isSafeInteger(connectionsPerHour) || connectionsPerHour <= 0) {
    throw new RangeError(`connectionsPerHour must be a positive integer, got ${connectionsPerHour}`);
  }
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const secretId = "cost-model/database";

  // The clock must stay above 0 (see SecretCacheOptions.now).
  let clock = 1;
  const cachedClient = new CountingClient();
  const cache = new SecretCache({ client: cachedClient, ttlMs, hardExpiryMs: ttlMs, now: () => clock });
  const uncachedClient = new CountingClient();
  for (let connection = 0; connection < connectionsPerHour; connection += 1) {
    clock = 1 + (connection * HOUR_MS) / connectionsPerHour;
    await cache.get(secretId);
    await uncachedClient.send(new GetSecretValueCommand({ SecretId: secretId }));
  }
  return {
    connectionsPerHour,
    ttlMs,
    hoursPerMonth: HOURS_PER_MONTH,
    cached: priced(cachedClient.calls),
    uncached: priced(uncachedClient.calls),
  };
}

function priced(callsPerHour: number): CallCost {
  const callsPerMonth = callsPerHour * HOURS_PER_MONTH;
  // Rounded to micro-dollars, to keep binary fractions out of reports.
  const usdPerMonth = Math.round(((callsPerMonth * SECRETS_MANAGER_PRICES.usdPer10kCalls) / 10_000) * 1e6) / 1e6;
  return { callsPerHour, callsPerMonth, usdPerMonth };
}

/** A stand-in for Secrets Manager that answers every GetSecretValue and counts them. */
class CountingClient implements GetSecretValueClient {
  calls = 0;

  async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
    this.calls += 1;
    const name = command.input.SecretId ?? "";
    return {
      $metadata: {},
      ARN: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`,
      Name: name,
      SecretString: "{}",
    };
  }
}
