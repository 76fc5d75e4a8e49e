import { oneOf, text } from "./field-schemas";

/**
 * Formats of the AWS names and identifiers that constructs accept as props, each with
 * the words a message uses for it.
 */

/** A region name, e.g. `eu-west-1`, `us-gov-west-1`, `cn-north-1`, as a pattern's source. */
const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+`;
const REGION_PATTERN = new RegExp(`^${REGION}$`);

/** A region name, e.g. `us-east-1`. */
export function region() {
  return text(REGION_PATTERN, "an AWS region name such as us-east-1");
}

/** Lambda function names: 1–64 letters, digits, `-` or `_`. */
export function lambdaFunctionName(description = "1 to 64 letters, digits, - or _") {
  return text(/^[A-Za-z0-9_-]{1,64}$/, description);
}

/** IAM role names (not ARNs): 1–64 letters, digits or `+=,.@_-`, or a token (a role of the same stack). */
export function iamRoleName() {
  return text(/^[\w+=,.@-]{1,64}$/, "an IAM role name: 1 to 64 letters, digits or +=,.@_-", { tokens: true });
}

/**
 * Identifiers that other resources produce. A token (an attribute of another resource,
 * known only at apply time) passes unchecked.
 */
const IDENTIFIER_FORMATS = {
  "kms-key-arn": {
    pattern: new RegExp(
      String.raw`^arn:aws(?:-[a-z]+)*:kms:${REGION}:\d{12}:key/` +
        String.raw`(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`,
    ),
    description: "a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias ARN)",
  },
  "iam-principal-arn": {
    pattern: /^arn:aws(?:-[a-z]+)*:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)$/,
    description: "an IAM role, user or account root ARN, arn:<partition>:iam::<account>:role/<name>",
  },
  "lambda-function-arn": {
    pattern: new RegExp(String.raw`^arn:aws(?:-[a-z]+)*:lambda:${REGION}:\d{12}:function:[\w-]{1,64}(?::[\w$-]{1,128})?$`),
    description: "a Lambda function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>",
  },
  "vpc-id": { pattern: /^vpc-[0-9a-f]{8,17}$/, description: "a VPC ID, vpc-<8 to 17 hex digits>" },
  "subnet-id": { pattern: /^subnet-[0-9a-f]{8,17}$/, description: "a subnet ID, subnet-<8 to 17 hex digits>" },
  "security-group-id": {
    pattern: /^sg-[0-9a-f]{8,17}$/,
    description: "a security group ID, sg-<8 to 17 hex digits>",
  },
} as const;

export type AwsIdentifierKind = keyof typeof IDENTIFIER_FORMATS;

/** An identifier of `kind`, or a token. */
export function awsIdentifier(kind: AwsIdentifierKind) {
  const { pattern, description } = IDENTIFIER_FORMATS[kind];
  return text(pattern, description, { tokens: true });
}

/** The region of a regional ARN, such as a KMS key's or a Lambda function's. */
export function regionOfArn(arn: string): string {
  return arn.split(":")[3];
}

/** The retention periods, in days, that CloudWatch Logs accepts for a log group. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A log group retention period from {@link LOG_RETENTION_DAYS}. */
export function logRetentionDays() {
  return oneOf(LOG_RETENTION_DAYS);
}
