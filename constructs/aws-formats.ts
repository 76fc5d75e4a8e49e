import { Token } from "cdktf";
import { checkOneOf, checkPattern } from "./validation";

/**
 * Formats of AWS identifiers that constructs accept as props. A value that is a token
 * (an attribute of another resource) is known only at apply time and is not checked.
 */
const IDENTIFIER_FORMATS = {
  "kms-key-arn": {
    pattern:
      /^arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
    description: "a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias ARN)",
  },
  "iam-principal-arn": {
    pattern: /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)$/,
    description: "an IAM role, user or account root ARN, arn:<partition>:iam::<account>:role/<name>",
  },
  "vpc-id": { pattern: /^vpc-[0-9a-f]{8,17}$/, description: "a VPC ID, vpc-<8 to 17 hex digits>" },
  "subnet-id": { pattern: /^subnet-[0-9a-f]{8,17}$/, description: "a subnet ID, subnet-<8 to 17 hex digits>" },
  "security-group-id": {
    pattern: /^sg-[0-9a-f]{8,17}$/,
    description: "a security group ID, sg-<8 to 17 hex digits>",
  },
} as const;

export type AwsIdentifierKind = keyof typeof IDENTIFIER_FORMATS;

/** Checks that `value` has the format of `kind`, unless it is a token. */
export function checkAwsIdentifier(field: string, value: string, kind: AwsIdentifierKind): void {
  if (Token.isUnresolved(value)) return;
  const { pattern, description } = IDENTIFIER_FORMATS[kind];
  checkPattern(field, value, pattern, description);
}

/** The retention periods, in days, that CloudWatch Logs accepts for a log group. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Checks a log group retention period against {@link LOG_RETENTION_DAYS}. */
export function checkLogRetentionDays(field: string, days: number): void {
  checkOneOf<number>(field, days, LOG_RETENTION_DAYS);
}
