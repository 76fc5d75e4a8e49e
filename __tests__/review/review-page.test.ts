import { costComparison } from "../../client/cost-model";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import { environments } from "../../main";
import { comparePaths, estimateCost, usd } from "../../review/cost-estimate";
import { diagram } from "../../review/diagram";
import { formatNumber } from "../../review/markdown";
import { HOURS_PER_MONTH, PRICES, USAGE } from "../../review/price-table";
import { assess } from "../../review/security/evaluate";
import { resourcesOfType, type StackJson } from "../../review/terraform-json";
import { synthEnvironments } from "../support/synth";
import { variant } from "../support/variants";

let stacks: Record<string, StackJson>;
let reviews: Record<string, string>;

beforeAll(async () => {
  ({ stacks, reviews } = await synthEnvironments());
});

/** The Markdown section under `## <title>`. */
function section(review: string, title: string): string {
  const start = review.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(0);
  const end = review.indexOf("\n## ", start + 1);
  return review.slice(start, end < 0 ? undefined : end);
}

const sum = (values: readonly (number | undefined)[]): number => values.reduce<number>((a, b) => a + (b ?? 0), 0);

describe("the review page", () => {
  test.each(environments.map((e) => e.name))("%s: lists what the stack creates under the names people will see", (name) => {
    const created = section(reviews[name], "What it creates");
    const names = [
      ...resourcesOfType(stacks[name], "aws_secretsmanager_secret").map((s) => s.resource.name),
      ...resourcesOfType(stacks[name], "aws_db_instance").map((d) => d.resource.identifier),
      ...resourcesOfType(stacks[name], "aws_lambda_function").map((f) => f.resource.function_name),
      ...resourcesOfType(stacks[name], "aws_sns_topic").map((t) => t.resource.name),
      ...resourcesOfType(stacks[name], "aws_kms_alias").map((a) => a.resource.name),
    ];
    expect(names.length).toBeGreaterThan(5);
    for (const resourceName of names) expect(created).toContain(`\`${String(resourceName)}\``);
    const [database] = resourcesOfType(stacks[name], "aws_db_instance");
    expect(created).toContain(`the master user secret of ${String(database.resource.identifier)}`);
  });

  test.each(environments.map((e) => [e.name, e.tier] as const))("%s: reports the security catalogue's verdict for its tier", (name, tier) => {
    const security = section(reviews[name], "Security checks");
    const { passed, excepted, failed } = assess(stacks[name], tier);
    expect(failed).toEqual([]);
    expect(security).toContain(`${passed.length} pass on every resource`);
    expect(security).toContain("and 0 fail without one");
    expect(security).not.toContain("Failures without an exception");
    for (const { exception, addresses } of excepted) {
      expect(security).toContain(exception.reason);
      for (const address of addresses) expect(security).toContain(`\`${address}\``);
    }
  });

  test("a key/value secret: not rotated, and why, in dev and prod; rotated by its own function in the existing-VPC variant", async () => {
    const kind = "key/value, value put by hand";
    expect(section(reviews.dev, "What it creates")).toContain(`\`tutorials/MyFirstTutorialSecret\` | ${kind}, not rotated;`);
    expect(section(reviews.prod, "Security checks")).toContain(
      "Not rotated, as the environment states: Issued by a third party that offers no API to replace it: its owner rotates it by hand.",
    );
    const existing = variant("existing").env;
    const { reviews: variantReviews } = await synthEnvironments([existing]);
    const [keyValueSecret] = existing.keyValueSecrets ?? [];
    expect(section(variantReviews.existing, "What it creates")).toContain(
      `\`${keyValueSecret.secretName}\` | ${kind}, rotated by tutorial-secret-rotation every 30 days;`,
    );
  });

  test("dev's exceptions are cost and disposability; prod's only what does not apply to the design", () => {
    expect(section(reviews.dev, "Security checks")).toContain("Single-AZ: a standby instance doubles the instance cost.");
    expect(section(reviews.prod, "Security checks")).not.toContain("Single-AZ");
  });

  test("shows how dev and prod differ: key, zones, way to Secrets Manager, backups, log retention", () => {
    const differences = section(reviews.dev, "Differences from the other environments");
    expect(differences).toContain("| setting | `dev` | `prod` |");
    expect(differences).toContain("| Encryption key | AWS-managed keys (aws/secretsmanager, aws/rds, ...) | customer-managed alias/prod-secrets, rotation on |");
    expect(differences).toContain("| Availability Zones | use1-az1, use1-az2 | use1-az1, use1-az2, use1-az4 |");
    expect(differences).toContain(
      "| Path to Secrets Manager | interface endpoint in 1 zone (use1-az1) | interface endpoint in 3 zones (use1-az1, use1-az2, use1-az4) |",
    );
    expect(differences).toContain(`| Backups kept | ${dev.database.backupRetentionDays} day | ${prod.database.backupRetentionDays} days |`);
    expect(differences).toContain("| Log retention | 7–14 days | 365 days, KMS-encrypted |");
    expect(differences).toContain("The same in every environment: Region (us-east-1)");
    expect(section(reviews.prod, "Differences from the other environments")).toContain("| setting | `prod` | `dev` |");
  });

  test("includes the environment's diagram", () => {
    for (const name of Object.keys(reviews)) {
      expect(section(reviews[name], "Diagram")).toContain(`\`\`\`mermaid\n${diagram(stacks[name])}\n\`\`\``);
    }
  });
});

describe("the cost estimate", () => {
  test("dev: a micro instance, its storage, one endpoint zone, the secrets, logs and an alarm; no NAT gateway", () => {
    const { lines, totalUsd } = estimateCost(stacks.dev);
    const usdOf = (item: string): number | undefined => lines.find((l) => l.item.startsWith(item))?.usdPerMonth;
    expect(usdOf("RDS mysql db.t4g.micro instance")).toBeCloseTo(HOURS_PER_MONTH * PRICES.rds.instanceHour.mysql["db.t4g.micro"], 6);
    expect(usdOf("RDS gp3 storage")).toBeCloseTo(dev.database.allocatedStorageGb! * PRICES.rds.storageGbMonth.gp3, 6);
    expect(usdOf("Secrets Manager interface endpoint")).toBeCloseTo(HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour, 6);
    expect(usdOf("Secrets (2 here, 1 kept by RDS")).toBeCloseTo(3 * PRICES.secretMonth, 6);
    expect(usdOf("CloudWatch alarms")).toBeCloseTo(PRICES.alarmMonth, 6);
    expect(lines.some((l) => /NAT|Multi-AZ|KMS/.test(l.item))).toBe(false);
    expect(totalUsd).toBeCloseTo(sum(lines.map((l) => l.usdPerMonth)), 6);
  });

  test("prod: the Multi-AZ standby and its storage cost as much again, three endpoint zones, one key", () => {
    const { lines } = estimateCost(stacks.prod);
    const usdOf = (item: string): number | undefined => lines.find((l) => l.item.startsWith(item))?.usdPerMonth;
    const instance = HOURS_PER_MONTH * PRICES.rds.instanceHour.mysql["db.m7g.large"];
    expect(usdOf("RDS mysql db.m7g.large instance")).toBeCloseTo(instance, 6);
    expect(usdOf("RDS Multi-AZ standby")).toBeCloseTo(instance, 6);
    expect(usdOf("RDS gp3 storage, primary and standby")).toBeCloseTo(2 * prod.database.allocatedStorageGb! * PRICES.rds.storageGbMonth.gp3, 6);
    expect(usdOf("Secrets Manager interface endpoint")).toBeCloseTo(3 * HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour, 6);
    expect(usdOf("Customer-managed KMS key")).toBe(PRICES.kmsKeyMonth);
  });

  test("counts a month of cached reads per secret and the rotations' calls", () => {
    const calls = (stack: StackJson): string | undefined => estimateCost(stack).lines.find((l) => l.item.startsWith("Secrets Manager API calls"))?.quantity;
    // 2 secrets read once an hour, and one rotation every 30 days of at most 12 calls.
    const expected = Math.round(2 * USAGE.cachedReadsPerHour * HOURS_PER_MONTH + (HOURS_PER_MONTH / 24 / 30) * USAGE.callsPerRotation);
    expect(calls(stacks.dev)).toBe(`${formatNumber(expected)} calls`);
  });

  test("compares the way to Secrets Manager with the other way over as many zones", async () => {
    expect(comparePaths(stacks.dev)).toEqual({
      chosen: "an interface endpoint in 1 Availability Zone",
      chosenUsd: HOURS_PER_MONTH * PRICES.interfaceEndpointAzHour,
      alternative: "a NAT gateway",
      alternativeUsd: HOURS_PER_MONTH * (PRICES.natGatewayHour + PRICES.publicIpv4Hour),
    });
    expect(section(reviews.dev, "Estimated monthly cost")).toContain(
      "this stack uses an interface endpoint in 1 Availability Zone, $7.30 a month; a NAT gateway instead would cost $36.50 a month",
    );
    const nat = await synthEnvironments([variant("nat").env]);
    expect(comparePaths(nat.stacks.nat)).toMatchObject({ chosen: "2 NAT gateways", alternative: "an interface endpoint in 2 Availability Zones" });
  });

  test("prices what the table knows, names what it does not, and says so in the total", async () => {
    const { stacks: aurora, reviews: auroraReviews } = await synthEnvironments([variant("aurora").env]);
    const unpriced = estimateCost(aurora.aurora).lines.filter((l) => l.usdPerMonth === undefined);
    expect(unpriced.map((l) => l.item)).toEqual([
      "Aurora aurora-postgresql db.r7g.large instance",
      "Aurora aurora-postgresql db.r7g.large instance",
    ]);
    expect(section(auroraReviews.aurora, "Estimated monthly cost")).toContain("**Total** (without 2 unpriced lines)");
  });

  test("the NAT variant pays for its gateways and their public addresses", async () => {
    const { stacks: nat } = await synthEnvironments([variant("nat").env]);
    const items = estimateCost(nat.nat).lines.map((l) => [l.item, l.usdPerMonth]);
    expect(items).toContainEqual([`NAT gateways (plus ${usd(PRICES.natGatewayGb)} per GB processed)`, 2 * HOURS_PER_MONTH * PRICES.natGatewayHour]);
    expect(items).toContainEqual(["Public IPv4 address of a NAT gateway", 2 * HOURS_PER_MONTH * PRICES.publicIpv4Hour]);
  });
});

describe("amounts", () => {
  test.each([
    [1234.5, "$1,234.50"],
    [7.3, "$7.30"],
    [36.5, "$36.50"],
    [0.4, "$0.40"],
    [0.016, "$0.016"],
    [0.0074, "$0.0074"],
    [0, "$0.00"],
  ])("%d USD is written %s", (amount, text) => {
    expect(usd(amount)).toBe(text);
  });

  test("numbers get thousands separators and drop trailing zeros, without locale data", () => {
    expect([formatNumber(1472), formatNumber(7_200_000), formatNumber(0.9, 1), formatNumber(72, 1)]).toEqual(["1,472", "7,200,000", "0.9", "72"]);
  });
});

describe("the price table", () => {
  test("counts API calls at the rate the client's cache makes", async () => {
    expect(USAGE.cachedReadsPerHour).toBe((await costComparison()).cached.callsPerHour);
  });
});

describe("the diagram", () => {
  test("dev: Secrets Manager invokes the function, which reaches the database and the endpoint", () => {
    const lines = diagram(stacks.dev).split("\n").map((l) => l.trim());
    const fn = "lambda_function_rotation_function_alternating_users";
    expect(lines).toEqual(
      expect.arrayContaining([
        `secretsmanager -- invokes --> ${fn}`,
        `${fn} -- "tcp ${dev.database.port}" --> db_instance_database`,
        `${fn} -- "tcp 443" --> vpc_endpoint_network_secrets_manager_endpoint`,
        "vpc_endpoint_network_secrets_manager_endpoint --> secretsmanager",
        'keys["AWS-managed keys<br/>aws/secretsmanager · aws/rds"]',
      ]),
    );
  });

  test("prod: its customer-managed key and its three zones", () => {
    const text = diagram(stacks.prod);
    expect(text).toContain('keys["KMS key<br/>alias/prod-secrets"]');
    expect(text).toContain('"Secrets Manager endpoint<br/>use1-az1 · use1-az2 · use1-az4"');
  });

  test("the NAT variant: the function's way out through the NAT gateways and the internet gateway", async () => {
    const { stacks: nat } = await synthEnvironments([variant("nat").env]);
    const lines = diagram(nat.nat).split("\n").map((l) => l.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'lambda_function_rotation_function_alternating_users -- "tcp 443" --> nat_gateway_network_nat_gateway_0',
        "nat_gateway_network_nat_gateway_1 --> internet_gateway_network",
        "internet_gateway_network --> secretsmanager",
      ]),
    );
    expect(lines.some((l) => l.includes("vpc_endpoint"))).toBe(false);
  });

  test("the existing-VPC variant names the VPC it does not create", async () => {
    const { stacks: existing } = await synthEnvironments([variant("existing").env]);
    expect(diagram(existing.existing)).toContain('subgraph vpc["existing VPC vpc-0a1b2c3d4e5f60718"]');
  });
});
