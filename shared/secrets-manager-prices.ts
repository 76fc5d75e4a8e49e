/**
 * Secrets Manager's list prices (us-east-1, read 2026-12-05 from
 * https://aws.amazon.com/secrets-manager/pricing/), and the month they are counted over:
 * the application library's cost model and the review page's estimate both use them.
 */
export const SECRETS_MANAGER_PRICES = {
  /** API calls, USD per 10,000. */
  usdPer10kCalls: 0.05,
  /** A secret, USD per month (RDS's own master user secret is billed the same). */
  usdPerSecretMonth: 0.4,
} as const;

/** Hours in a month, as AWS's pricing calculator counts them. */
export const HOURS_PER_MONTH = 730;
