/**
 * The checks of `npm run verify`, on what DescribeSecret returns (never a secret value):
 * one function per kind of secret, each returning what is wrong and a one-line summary.
 */
import type { DescribeSecretCommandOutput } from "@aws-sdk/client-secrets-manager";
import { RATE_EXPRESSION } from "../../constructs/rotation-schedule";
import type { ExpectedSchedule, ExpectedSecret } from "./expected-state";
import { functionNameOf } from "./lambda-arn";

/** What DescribeSecret says of a secret. */
export type SecretDescription = Pick<
  DescribeSecretCommandOutput,
  | "RotationEnabled"
  | "RotationLambdaARN"
  | "RotationRules"
  | "LastRotatedDate"
  | "NextRotationDate"
  | "DeletedDate"
  | "OwningService"
  | "VersionIdsToStages"
>;

export interface Finding {
  /** A failure means the environment is not as configured; a warning, that it is not ready for use yet. */
  readonly severity: "failure" | "warning";
  readonly message: string;
}

export interface CheckResult {
  readonly findings: readonly Finding[];
  /** What was found, for the report. */
  readonly summary: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const failure = (message: string): Finding => ({ severity: "failure", message });
const warning = (message: string): Finding => ({ severity: "warning", message });
const when = (date: Date): string => `${date.toISOString().slice(0, 16)}Z`;

/** A database user's secret: rotated by its function, on its schedule, recently and successfully. */
export function checkRotatedSecret(description: SecretDescription, expected: ExpectedSecret, now: Date): CheckResult {
  const schedule = expected.schedule ?? {};
  const findings = [
    ...presence(description),
    ...(description.RotationEnabled === true ? [] : [failure("rotation is not enabled")]),
    ...functionFindings(description.RotationLambdaARN, expected.functionName),
    ...scheduleFindings(description, schedule),
    ...versionFindings(description, true),
    ...recencyFindings(description, schedule, now, true),
  ];
  const parts = [describeSchedule(schedule), expected.functionName && `by ${expected.functionName}`, dates(description)];
  return { findings, summary: parts.filter(Boolean).join(", ") };
}

/** The RDS-managed master secret: owned by RDS, its managed rotation on the configured schedule. */
export function checkMasterSecret(description: SecretDescription, schedule: ExpectedSchedule | undefined, now: Date): CheckResult {
  const findings = [
    ...presence(description),
    ...(description.OwningService === "rds"
      ? []
      : [failure(`is not managed by RDS (OwningService ${JSON.stringify(description.OwningService ?? null)})`)]),
    ...(schedule === undefined
      ? []
      : [
          ...(description.RotationEnabled === true ? [] : [failure("managed rotation is not enabled")]),
          ...scheduleFindings(description, schedule),
        ]),
    ...versionFindings(description, true),
    // RDS rotates the password it generated only when the schedule comes: no last rotation is required.
    ...recencyFindings(description, schedule ?? {}, now, false),
  ];
  return { findings, summary: ["managed by RDS", schedule && describeSchedule(schedule), dates(description)].filter(Boolean).join(", ") };
}

/**
 * A key/value secret: present, holding a value put by hand, and, when the environment
 * names a function to rotate it, rotated by that function on its schedule. Its rotation
 * starts with the schedule, not at the apply, so it need not have rotated yet.
 */
export function checkKeyValueSecret(description: SecretDescription, expected: ExpectedSecret, now: Date): CheckResult {
  const findings = [...presence(description), ...versionFindings(description, false)];
  if (!Object.values(description.VersionIdsToStages ?? {}).some((stages) => stages.includes("AWSCURRENT"))) {
    findings.push(warning("holds no value yet: put one with aws secretsmanager put-secret-value --secret-id <name> --secret-string file://value.json"));
  }
  if (expected.schedule === undefined) return { findings, summary: "present, not rotated" };
  findings.push(
    ...(description.RotationEnabled === true ? [] : [failure("rotation is not enabled")]),
    ...functionFindings(description.RotationLambdaARN, expected.functionName),
    ...scheduleFindings(description, expected.schedule),
    ...recencyFindings(description, expected.schedule, now, false),
  );
  const parts = ["present", describeSchedule(expected.schedule), expected.functionName && `by ${expected.functionName}`, dates(description)];
  return { findings, summary: parts.filter(Boolean).join(", ") };
}

function presence(description: SecretDescription): Finding[] {
  return description.DeletedDate === undefined ? [] : [failure(`is scheduled for deletion (deleted on ${when(description.DeletedDate)})`)];
}

function functionFindings(arn: string | undefined, functionName: string | undefined): Finding[] {
  if (functionName === undefined) return [];
  return functionNameOf(arn) === functionName ? [] : [failure(`is rotated by ${arn ?? "no function"}, not by ${functionName}`)];
}

function scheduleFindings(description: SecretDescription, schedule: ExpectedSchedule): Finding[] {
  const rules = description.RotationRules ?? {};
  const configured = describeSchedule(schedule);
  const found = `found ${JSON.stringify(rules)}`;
  if (schedule.automaticallyAfterDays !== undefined) {
    // The service may report a days schedule either way.
    const days = schedule.automaticallyAfterDays;
    const matches = rules.AutomaticallyAfterDays === days || rules.ScheduleExpression === `rate(${days} days)`;
    return matches ? [] : [failure(`rotation schedule is not ${configured} (${found})`)];
  }
  if (schedule.scheduleExpression !== undefined) {
    const matches =
      rules.ScheduleExpression?.trim() === schedule.scheduleExpression &&
      (schedule.duration === undefined || rules.Duration === schedule.duration);
    return matches ? [] : [failure(`rotation schedule is not ${configured} (${found})`)];
  }
  return [];
}

function versionFindings(description: SecretDescription, requireCurrent: boolean): Finding[] {
  const stages = Object.entries(description.VersionIdsToStages ?? {});
  const current = stages.find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
  const pending = stages.find(([, labels]) => labels.includes("AWSPENDING"))?.[0];
  const findings: Finding[] = [];
  if (requireCurrent && current === undefined) findings.push(failure("has no AWSCURRENT version"));
  if (pending !== undefined && pending !== current) {
    findings.push(
      failure(`a rotation has not finished: AWSPENDING is on version ${pending}, AWSCURRENT on ${current ?? "none"}`),
    );
  }
  return findings;
}

/**
 * The last rotation recent enough for the schedule (when it is a fixed interval), and the
 * next one not overdue: Secrets Manager leaves NextRotationDate in the past while
 * rotation keeps failing.
 */
function recencyFindings(description: SecretDescription, schedule: ExpectedSchedule, now: Date, requireRotated: boolean): Finding[] {
  const findings: Finding[] = [];
  const last = description.LastRotatedDate;
  const interval = intervalMs(schedule);
  if (last === undefined) {
    if (requireRotated) findings.push(failure("has never been rotated: the first rotation did not succeed"));
  } else if (interval !== undefined && now.getTime() - last.getTime() > interval + windowMs(schedule)) {
    findings.push(failure(`was last rotated on ${when(last)}, longer ago than its schedule (${describeSchedule(schedule)}) allows`));
  }
  const next = description.NextRotationDate;
  if (description.RotationEnabled === true) {
    if (next === undefined) findings.push(failure("has no next rotation date"));
    else if (next.getTime() < now.getTime()) findings.push(failure(`the rotation due by ${when(next)} has not succeeded`));
  }
  return findings;
}

function intervalMs(schedule: ExpectedSchedule): number | undefined {
  if (schedule.automaticallyAfterDays !== undefined) return schedule.automaticallyAfterDays * DAY;
  const rate = RATE_EXPRESSION.exec(schedule.scheduleExpression ?? "");
  return rate === null ? undefined : Number(rate[1]) * (rate[2].startsWith("hour") ? HOUR : DAY);
}

/** How late in its window a rotation may run: the configured window, else the day Secrets Manager picks an hour in. */
function windowMs(schedule: ExpectedSchedule): number {
  const hours = /^(\d+)h$/.exec(schedule.duration ?? "")?.[1];
  return hours === undefined ? DAY : Number(hours) * HOUR;
}

export function describeSchedule(schedule: ExpectedSchedule): string {
  if (schedule.automaticallyAfterDays !== undefined) return `every ${schedule.automaticallyAfterDays} days`;
  if (schedule.scheduleExpression !== undefined) {
    return schedule.duration === undefined ? schedule.scheduleExpression : `${schedule.scheduleExpression} within ${schedule.duration}`;
  }
  return "no schedule";
}

function dates(description: SecretDescription): string {
  return [
    description.LastRotatedDate && `last rotated ${when(description.LastRotatedDate)}`,
    description.NextRotationDate && `next by ${when(description.NextRotationDate)}`,
  ]
    .filter(Boolean)
    .join(", ");
}
