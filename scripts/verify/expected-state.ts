/**
 * What an environment should have deployed, read from its synthesized Terraform (the
 * constructs decide names, defaults and schedules; nothing here derives them again): every
 * secret by name, the schedule of each rotation and the function that runs it, and the
 * schedule of the RDS-managed master secret.
 */
import { functionNameOf } from "./lambda-arn";

/** A rotation schedule, as `aws_secretsmanager_secret_rotation.rotation_rules` holds it. */
export interface ExpectedSchedule {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

export interface ExpectedSecret {
  readonly name: string;
  /** A database user's secret is rotated by one of the stack's functions; anything else is key/value. */
  readonly kind: "database-user" | "key-value";
  /** The schedule, for a rotated secret. */
  readonly schedule?: ExpectedSchedule;
  /** Name of the function that rotates it: one of the stack's, or (a key/value secret) the environment's own. */
  readonly functionName?: string;
}

export interface ExpectedState {
  readonly secrets: readonly ExpectedSecret[];
  /** The master secret's managed rotation, if the stack configures one. */
  readonly masterSchedule?: ExpectedSchedule;
}

/** The parts of a synthesized stack (`cdk.tf.json`) read here. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** `${aws_x.logical.attribute...}` → `[type, logical]`. */
function referenced(value: unknown): [type: string, logical: string] | undefined {
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\./.exec(String(value));
  return match === null ? undefined : [match[1], match[2]];
}

function scheduleOf(rules: unknown): ExpectedSchedule {
  const { automatically_after_days, schedule_expression, duration } = (rules ?? {}) as Record<string, unknown>;
  return {
    ...(typeof automatically_after_days === "number" ? { automaticallyAfterDays: automatically_after_days } : {}),
    ...(typeof schedule_expression === "string" ? { scheduleExpression: schedule_expression } : {}),
    ...(typeof duration === "string" ? { duration } : {}),
  };
}

export function expectedState(stack: SynthesizedStack): ExpectedState {
  const resources = (type: string) => stack.resource?.[type] ?? {};
  const secretNames = new Map(Object.entries(resources("aws_secretsmanager_secret")).map(([logical, s]) => [logical, String(s.name)]));
  const functionNames = new Map(
    Object.entries(resources("aws_lambda_function")).map(([logical, f]) => [logical, String(f.function_name)]),
  );
  const rotations = new Map<string, { schedule: ExpectedSchedule; stackFunction: boolean; functionName?: string }>();
  let masterSchedule: ExpectedSchedule | undefined;
  for (const rotation of Object.values(resources("aws_secretsmanager_secret_rotation"))) {
    const schedule = scheduleOf(rotation.rotation_rules);
    const [secretType, secretLogical] = referenced(rotation.secret_id) ?? [];
    if (secretType === "aws_secretsmanager_secret" && secretLogical !== undefined) {
      const [functionType, functionLogical] = referenced(rotation.rotation_lambda_arn) ?? [];
      const stackFunction = functionType === "aws_lambda_function" ? functionNames.get(functionLogical ?? "") : undefined;
      // A key/value secret names an existing function by its ARN, a literal.
      const functionName = stackFunction ?? functionNameOf(String(rotation.rotation_lambda_arn));
      rotations.set(secretLogical, { schedule, stackFunction: stackFunction !== undefined, ...(functionName !== undefined ? { functionName } : {}) });
    } else {
      // The RDS-managed master secret, referenced through its database's attributes.
      masterSchedule = schedule;
    }
  }
  const secrets = [...secretNames].map(([logical, name]): ExpectedSecret => {
    const { stackFunction, ...rotation } = rotations.get(logical) ?? { stackFunction: false };
    return { name, kind: stackFunction ? "database-user" : "key-value", ...rotation };
  });
  return { secrets: secrets.sort((a, b) => a.name.localeCompare(b.name)), ...(masterSchedule ? { masterSchedule } : {}) };
}
