/**
 * An estimated monthly bill of one synthesized stack, line by line, from the price table
 * (price-table.ts) and what the stack declares: instance classes, storage, Availability
 * Zones of endpoints, NAT gateways, keys, secrets, log groups and alarms.
 */
import { formatNumber, plural } from "./markdown";
import { HOURS_PER_MONTH, PRICES, USAGE } from "./price-table";
import { block, booleanOf, list, numberOf, resourcesOfType, type Resource, type StackJson } from "./terraform-json";

/** One line of the estimate. */
export interface CostLine {
  readonly item: string;
  /** How much of it, e.g. `730 h` or `3 secrets`. */
  readonly quantity: string;
  /** The unit price as the table gives it, e.g. `$0.016 / h`. */
  readonly unitPrice: string;
  /** USD a month; `undefined` when the table has no price for it. */
  readonly usdPerMonth: number | undefined;
}

/** The estimate of one stack. */
export interface CostEstimate {
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly totalUsd: number;
}

/** Every cost line of the stack, in the order a reviewer reads the bill: database, network, keys, secrets, logs. */
export function estimateCost(stack: StackJson): CostEstimate {
  const lines = [
    ...databaseLines(stack),
    ...networkLines(stack),
    ...keyLines(stack),
    ...secretLines(stack),
    ...logLines(stack),
  ];
  return { lines, totalUsd: lines.reduce((sum, line) => sum + (line.usdPerMonth ?? 0), 0) };
}

/** What the function's way to Secrets Manager costs, against the other way, for the review page's comparison. */
export interface PathComparison {
  /** `interface endpoint in 1 Availability Zone`, `2 NAT gateways`. */
  readonly chosen: string;
  readonly chosenUsd: number;
  readonly alternative: string;
  readonly alternativeUsd: number;
}

/**
 * The Secrets Manager path the stack builds against the other one over as many zones: an
 * interface endpoint in N Availability Zones, or N NAT gateways, each with its public IPv4
 * address. Hourly charges only: both also bill per GB, which rotation and cached reads
 * hardly use. `undefined` when the stack builds neither (the path exists outside it).
 */
export function comparePaths(stack: StackJson): PathComparison | undefined {
  const natGateways = resourcesOfType(stack, "aws_nat_gateway").length;
  const endpointZones = secretsManagerEndpoints(stack).reduce((n, e) => n + list(e.subnet_ids).length, 0);
  const nat = (count: number): [string, number] => [
    count === 1 ? "a NAT gateway" : plural(count, "NAT gateway"),
    count * HOURS_PER_MONTH * (PRICES.natGatewayHour + PRICES.publicIpv4Hour),
  ];
  const endpoint = (zones: number): [string, number] => [
    `an interface endpoint in ${plural(zones, "Availability Zone")}`,
    zones * HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour,
  ];
  const [chosen, alternative] =
    natGateways > 0 ? [nat(natGateways), endpoint(natGateways)] : endpointZones > 0 ? [endpoint(endpointZones), nat(endpointZones)] : [];
  if (!chosen || !alternative) return undefined;
  return { chosen: chosen[0], chosenUsd: chosen[1], alternative: alternative[0], alternativeUsd: alternative[1] };
}

function databaseLines(stack: StackJson): CostLine[] {
  return resourcesOfType(stack, "aws_db_instance").flatMap(({ resource: db }) => {
    const engine = String(db.engine);
    const instanceClass = String(db.instance_class);
    const copies = booleanOf(db.multi_az) ? 2 : 1;
    const hourly = PRICES.rds.instanceHour[engine]?.[instanceClass];
    const storageType = String(db.storage_type ?? "gp2");
    const storagePrice = PRICES.rds.storageGbMonth[storageType];
    const gb = numberOf(db.allocated_storage) ?? 0;
    const lines: CostLine[] = [
      {
        item: `RDS ${engine} ${instanceClass} instance`,
        quantity: `${HOURS_PER_MONTH} h`,
        unitPrice: hourly === undefined ? "not in the price table" : `${usd(hourly)} / h`,
        usdPerMonth: hourly === undefined ? undefined : hourly * HOURS_PER_MONTH,
      },
    ];
    if (copies === 2) {
      lines.push({ ...lines[0], item: `RDS Multi-AZ standby (${instanceClass})` });
    }
    lines.push({
      item: `RDS ${storageType} storage${copies === 2 ? ", primary and standby" : ""}`,
      quantity: `${copies * gb} GB`,
      unitPrice: storagePrice === undefined ? "not in the price table" : `${usd(storagePrice)} / GB-month`,
      usdPerMonth: storagePrice === undefined ? undefined : storagePrice * gb * copies,
    });
    return lines;
  }).concat(
    resourcesOfType(stack, "aws_rds_cluster_instance").map(({ resource }) => ({
      item: `Aurora ${String(resource.engine)} ${String(resource.instance_class)} instance`,
      quantity: `${HOURS_PER_MONTH} h`,
      unitPrice: "not in the price table",
      usdPerMonth: undefined,
    })),
  );
}

function networkLines(stack: StackJson): CostLine[] {
  const lines: CostLine[] = [];
  const natGateways = resourcesOfType(stack, "aws_nat_gateway").length;
  if (natGateways > 0) {
    lines.push(
      hourly(`NAT gateway${natGateways > 1 ? "s" : ""} (plus ${usd(PRICES.natGatewayGb)} per GB processed)`, natGateways, PRICES.natGatewayHour),
    );
  }
  const addresses = resourcesOfType(stack, "aws_eip").length;
  if (addresses > 0) lines.push(hourly("Public IPv4 address of a NAT gateway", addresses, PRICES.publicIpv4Hour));
  for (const endpoint of secretsManagerEndpoints(stack)) {
    lines.push(
      hourly(
        `Secrets Manager interface endpoint, per Availability Zone (plus ${usd(PRICES.interfaceEndpointGb)} per GB processed)`,
        list(endpoint.subnet_ids).length,
        PRICES.interfaceEndpointAzHour,
      ),
    );
  }
  return lines;
}

function keyLines(stack: StackJson): CostLine[] {
  const keys = resourcesOfType(stack, "aws_kms_key").length;
  if (keys === 0) return [];
  return [
    {
      item: "Customer-managed KMS key",
      quantity: plural(keys, "key"),
      unitPrice: `${usd(PRICES.kmsKeyMonth)} / month`,
      usdPerMonth: keys * PRICES.kmsKeyMonth,
    },
  ];
}

function secretLines(stack: StackJson): CostLine[] {
  const own = resourcesOfType(stack, "aws_secretsmanager_secret").length;
  const managedByRds = [
    ...resourcesOfType(stack, "aws_db_instance"),
    ...resourcesOfType(stack, "aws_rds_cluster"),
  ].filter((db) => booleanOf(db.resource.manage_master_user_password) === true).length;
  const secrets = own + managedByRds;
  const readCalls = own * USAGE.cachedReadsPerHour * HOURS_PER_MONTH;
  const rotationCalls = resourcesOfType(stack, "aws_secretsmanager_secret_rotation")
    .filter((r) => r.resource.rotation_lambda_arn !== undefined)
    .reduce((sum, r) => sum + rotationsPerMonth(r.resource) * USAGE.callsPerRotation, 0);
  const calls = Math.round(readCalls + rotationCalls);
  return [
    {
      item: `Secrets (${own} here, ${managedByRds} kept by RDS for its master user)`,
      quantity: plural(secrets, "secret"),
      unitPrice: `${usd(PRICES.secretMonth)} / month`,
      usdPerMonth: secrets * PRICES.secretMonth,
    },
    {
      item: `Secrets Manager API calls: one reader per secret through SecretCache (${USAGE.cachedReadsPerHour} an hour), and rotations`,
      quantity: `${formatNumber(calls)} calls`,
      unitPrice: `${usd(PRICES.secretsManagerPer10kCalls)} / 10,000`,
      usdPerMonth: (calls / 10_000) * PRICES.secretsManagerPer10kCalls,
    },
  ];
}

function logLines(stack: StackJson): CostLine[] {
  const groups = resourcesOfType(stack, "aws_cloudwatch_log_group");
  const alarms = resourcesOfType(stack, "aws_cloudwatch_metric_alarm").length;
  const lines: CostLine[] = [];
  if (groups.length > 0) {
    const ingested = groups.length * USAGE.logGbPerGroupMonth;
    // What each group holds once its retention is reached; a group that never expires is counted at a year.
    const stored = groups.reduce((gb, { resource }) => {
      const days = numberOf(resource.retention_in_days) || 365;
      return gb + (USAGE.logGbPerGroupMonth * days * 12) / 365;
    }, 0);
    lines.push(
      {
        item: `CloudWatch Logs ingestion (${USAGE.logGbPerGroupMonth} GB a month assumed per log group)`,
        quantity: `${formatNumber(ingested, 1)} GB`,
        unitPrice: `${usd(PRICES.logIngestionGb)} / GB`,
        usdPerMonth: ingested * PRICES.logIngestionGb,
      },
      {
        item: "CloudWatch Logs storage, at each group's retention",
        quantity: `${formatNumber(stored, 1)} GB`,
        unitPrice: `${usd(PRICES.logStorageGbMonth)} / GB-month`,
        usdPerMonth: stored * PRICES.logStorageGbMonth,
      },
    );
  }
  if (alarms > 0) {
    lines.push({
      item: "CloudWatch alarms",
      quantity: plural(alarms, "alarm"),
      unitPrice: `${usd(PRICES.alarmMonth)} / month`,
      usdPerMonth: alarms * PRICES.alarmMonth,
    });
  }
  return lines;
}

/** Interface endpoints to Secrets Manager (`com.amazonaws.<region>.secretsmanager`, however the name is built). */
function secretsManagerEndpoints(stack: StackJson): Resource[] {
  return resourcesOfType(stack, "aws_vpc_endpoint")
    .map((e) => e.resource)
    .filter((e) => String(e.service_name).endsWith(".secretsmanager"));
}

/** Rotations a month from `automatically_after_days` or `rate(<n> days|hours)`; 0 for a cron schedule (not estimated). */
function rotationsPerMonth(rotation: Resource): number {
  const rules = block(rotation.rotation_rules) ?? {};
  const days = numberOf(rules.automatically_after_days);
  if (days !== undefined) return HOURS_PER_MONTH / 24 / days;
  const rate = /^rate\((\d+) (day|hour)s?\)$/.exec(String(rules.schedule_expression));
  if (!rate) return 0;
  return HOURS_PER_MONTH / (Number(rate[1]) * (rate[2] === "day" ? 24 : 1));
}

function hourly(item: string, count: number, pricePerHour: number): CostLine {
  return {
    item,
    quantity: `${count} × ${HOURS_PER_MONTH} h`,
    unitPrice: `${usd(pricePerHour)} / h`,
    usdPerMonth: count * HOURS_PER_MONTH * pricePerHour,
  };
}

/** `$1,234.50`, `$7.30`; under a dollar up to three decimals (`$0.016`), under a cent two significant digits (`$0.0037`). */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.01) return `$${Number(amount.toPrecision(2))}`;
  if (amount < 1) return `$${amount.toFixed(3).replace(/0$/, "")}`;
  const [dollars, cents] = amount.toFixed(2).split(".");
  return `$${formatNumber(Number(dollars))}.${cents}`;
}
