import { costComparison } from "../../client/cost-model";
import { HOURS_PER_MONTH } from "../../shared/secrets-manager-prices";

describe("costComparison", () => {
  test("10,000 connections an hour: 1 call an hour with the default TTL instead of 10,000", async () => {
    const result = await costComparison({ connectionsPerHour: 10_000 });
    expect(result).toEqual({
      connectionsPerHour: 10_000,
      ttlMs: 3_600_000,
      hoursPerMonth: 730,
      cached: { callsPerHour: 1, callsPerMonth: 730, usdPerMonth: 0.00365 },
      uncached: { callsPerHour: 10_000, callsPerMonth: 7_300_000, usdPerMonth: 36.5 },
    });
  });

  test("a 5-minute TTL refreshes 12 times in the hour", async () => {
    const { cached } = await costComparison({ connectionsPerHour: 10_000, ttlMs: 300_000 });
    expect(cached).toEqual({ callsPerHour: 12, callsPerMonth: 12 * HOURS_PER_MONTH, usdPerMonth: 0.0438 });
  });

  test("connections further apart than the TTL each make a call", async () => {
    const { cached, uncached } = await costComparison({ connectionsPerHour: 10, ttlMs: 1_000 });
    expect(cached.callsPerHour).toBe(10);
    expect(uncached.callsPerHour).toBe(10);
  });

  test("rejects a connection rate that is not a positive integer", async () => {
    await expect(costComparison({ connectionsPerHour: 0 })).rejects.toThrow(
      new RangeError("connectionsPerHour must be a positive integer, got 0"),
    );
  });
});
