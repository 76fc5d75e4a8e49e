/**
 * The prices and usage the review page's monthly estimate is computed from: data, to be
 * updated when AWS changes a price or a new instance class is used (an instance class not
 * listed here is shown as "not priced" rather than guessed).
 *
 * On-demand list prices in USD for US East (N. Virginia), from the AWS pricing pages named
 * in {@link PRICE_SOURCES}, as read on {@link PRICES_AS_OF}. Taxes, free tiers, savings
 * plans and reservations are not applied. Secrets Manager's prices and the month's length
 * are shared with the application library's cost model (shared/secrets-manager-prices.ts).
 */
import { HOURS_PER_MONTH, SECRETS_MANAGER_PRICES } from "../shared/secrets-manager-prices";

/** The region every price below is for. */
export const PRICE_REGION = "us-east-1";

/** When the prices were read. */
export const PRICES_AS_OF = "2026-12-05";

export { HOURS_PER_MONTH };

/** Where each group of prices comes from. */
export const PRICE_SOURCES: Readonly<Record<string, string>> = {
  "Amazon RDS": "https://aws.amazon.com/rds/mysql/pricing/",
  "Amazon VPC (NAT gateway, public IPv4)": "https://aws.amazon.com/vpc/pricing/",
  "AWS PrivateLink (interface endpoints)": "https://aws.amazon.com/privatelink/pricing/",
  "AWS KMS": "https://aws.amazon.com/kms/pricing/",
  "AWS Secrets Manager": "https://aws.amazon.com/secrets-manager/pricing/",
  "Amazon CloudWatch": "https://aws.amazon.com/cloudwatch/pricing/",
};

export const PRICES = {
  rds: {
    /**
     * Single-AZ instance-hour by engine and class. A Multi-AZ instance is billed the same
     * again for its standby, instance-hours and storage alike (RDS user guide, "Multi-AZ DB
     * instances"). These two figures come from published price lists, not from the live
     * pricing page, which could not be opened when they were entered: check them there
     * before relying on the estimate.
     */
    instanceHour: {
      mysql: { "db.t4g.micro": 0.016, "db.m7g.large": 0.168 },
    } as Readonly<Record<string, Readonly<Record<string, number>>>>,
    /** Provisioned storage, per GB-month, by storage type. */
    storageGbMonth: { gp3: 0.115, gp2: 0.115 } as Readonly<Record<string, number>>,
  },
  /** A NAT gateway, per hour. */
  natGatewayHour: 0.045,
  /** Data a NAT gateway processes, per GB (shown, not estimated: traffic is not known). */
  natGatewayGb: 0.045,
  /** A public IPv4 address (the NAT gateway's Elastic IP), per hour. */
  publicIpv4Hour: 0.005,
  /** An interface endpoint, per hour in each Availability Zone. */
  interfaceEndpointAzHour: 0.01,
  /** Data an interface endpoint processes, per GB (shown, not estimated). */
  interfaceEndpointGb: 0.01,
  /** A customer-managed KMS key, per month (each of its first two automatic rotations adds $1 a month). */
  kmsKeyMonth: 1,
  /** A Secrets Manager secret, per month; RDS's own master user secret is billed the same. */
  secretMonth: SECRETS_MANAGER_PRICES.usdPerSecretMonth,
  /** Secrets Manager API calls, per 10,000. */
  secretsManagerPer10kCalls: SECRETS_MANAGER_PRICES.usdPer10kCalls,
  /** CloudWatch Logs standard ingestion, per GB. */
  logIngestionGb: 0.5,
  /** CloudWatch Logs storage, per GB-month. */
  logStorageGbMonth: 0.03,
  /** A standard-resolution CloudWatch alarm, per month. */
  alarmMonth: 0.1,
} as const;

/** The usage the estimate assumes where the configuration does not say. */
export const USAGE = {
  /**
   * GetSecretValue calls an hour of one process reading one secret through `SecretCache`
   * with its default TTL, as `client/cost-model.ts` measures it (`npm run bench`).
   */
  cachedReadsPerHour: 1,
  /** Secrets Manager calls of one rotation: at most 12 (`__tests__/integration/rotation-api-calls.test.ts`). */
  callsPerRotation: 12,
  /** Log data ingested a month into each log group. */
  logGbPerGroupMonth: 1,
} as const;
