import { prod } from "../../environments/prod";
import type { DatabaseUserConfig, EnvironmentConfig } from "../../environments/types";
import { ROTATION_STRATEGIES } from "../../shared/secret-contract";

/**
 * Production with `users` database users, alternately of each strategy (so one function
 * per strategy rotates half of them), named as a service would name them. Production is
 * the heaviest case: a customer-managed key adds its statement to every policy.
 */
export function scaleEnvironment(users: number): EnvironmentConfig {
  const databaseUsers = Array.from({ length: users }, (_, i): DatabaseUserConfig => {
    const strategy = ROTATION_STRATEGIES[i % ROTATION_STRATEGIES.length];
    const n = String(Math.floor(i / ROTATION_STRATEGIES.length) + 1).padStart(3, "0");
    return {
      secretName: `services/payments/${strategy}/application-user-${n}`,
      description: `Database user ${n} of the payments service (${strategy})`,
      username: `pay_${strategy === "single-user" ? "s" : "a"}_${n}`,
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      strategy,
      rotation: { automaticallyAfterDays: 30 },
      recoveryWindowDays: 30,
    };
  });
  return { ...prod, name: "scale", databaseUsers };
}
