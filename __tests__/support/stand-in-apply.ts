/**
 * What `terraform apply` of a synthesized stack does to Secrets Manager and Lambda, done
 * against the Secrets Manager stand-in and a test database server: the RDS-managed master
 * secret, every secret, every version as Terraform writes it, every rotation schedule (a
 * rotation that starts at once runs to its end), and each rotation function deployed from
 * its synthesized package and environment variables into a process of its own. The rest of
 * the stack (network, database instance, IAM) has no stand-in; references to it resolve
 * to the test server or to placeholders.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PutSecretValueCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { unzipSync } from "fflate";
import type { ServerInfo } from "./db-servers";
import type { FakeSecretsManager } from "./fake-secrets-manager";
import { LambdaProcess } from "./lambda-process";
import { evaluateJsonencode, interpolate, type ReferenceResolver } from "./terraform-expressions";

type Attributes = Record<string, unknown>;
interface StackJson {
  resource: Record<string, Record<string, Attributes>>;
  output?: Record<string, { value: unknown }>;
}

export interface StandInDeployment {
  /** The outputs as `terraform output -json` writes them. */
  readonly outputsFile: string;
  /** ARN of each secret, by name. */
  readonly secretArns: ReadonlyMap<string, string>;
  readonly masterSecretArn: string;
  /** The deployed functions, by function name. */
  readonly functions: ReadonlyMap<string, LambdaProcess>;
  /** Stops the functions' processes. */
  close(): Promise<void>;
}

export interface StandInOptions {
  /** The synthesized stack's directory: `cdk.tf.json` and its assets. */
  readonly stackDir: string;
  readonly fake: FakeSecretsManager;
  /** The database server the stack's database stands for. */
  readonly server: ServerInfo;
  /** CA bundle of the server's certificate: what Lambda's runtime bundle is to RDS. */
  readonly caPath: string;
  /** Where the packages are unpacked and the outputs written. */
  readonly workDir: string;
}

const ACCOUNT = "123456789012";
const WHOLE_REFERENCE = /^\$\{([^}]+)\}$/;

export async function applyToStandIn(options: StandInOptions): Promise<StandInDeployment> {
  const { fake, server } = options;
  const stack = JSON.parse(readFileSync(path.join(options.stackDir, "cdk.tf.json"), "utf8")) as StackJson;
  const resources = (type: string) => Object.entries(stack.resource[type] ?? {});
  const terraform = fake.client("terraform");

  const masterSecretArn = fake.seedSecret({
    name: `rds!db-${randomBytes(8).toString("hex")}`,
    value: server.admin,
    owningService: "rds",
  });
  const secretArns = new Map<string, string>();
  const arnOfSecret = new Map<string, string>();
  for (const [logical, secret] of resources("aws_secretsmanager_secret")) {
    const arn = fake.seedSecret({ name: String(secret.name) });
    secretArns.set(String(secret.name), arn);
    arnOfSecret.set(logical, arn);
  }
  const resolve: ReferenceResolver = (reference) => {
    const [type, logical, attribute] = reference.split(".");
    if (type === "aws_secretsmanager_secret" && (attribute === "arn" || attribute === "id")) return arnOfSecret.get(logical);
    if (type === "aws_db_instance" || type === "aws_rds_cluster") {
      return attribute.startsWith("master_user_secret") ? masterSecretArn : server.host;
    }
    if (type === "aws_lambda_function" && attribute === "arn") {
      return `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${String(stack.resource[type][logical].function_name)}`;
    }
    return `stand-in:${reference}`;
  };
  const evaluate = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (value.startsWith("${jsonencode(")) return evaluateJsonencode(value, resolve);
      const whole = WHOLE_REFERENCE.exec(value)?.[1];
      return whole !== undefined ? resolve(whole) : interpolate(value, resolve);
    }
    if (Array.isArray(value)) return value.map(evaluate);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluate(item)]));
    }
    return value;
  };

  for (const [, version] of resources("aws_secretsmanager_secret_version")) {
    await terraform.send(
      new PutSecretValueCommand({
        SecretId: String(evaluate(version.secret_id)),
        SecretString: String(evaluate(version.secret_string)),
        VersionStages: version.version_stages as string[],
      }),
    );
  }

  const functions = new Map<string, LambdaProcess>();
  const functionByArn = new Map<string, LambdaProcess>();
  for (const [logical, fn] of resources("aws_lambda_function")) {
    const name = String(fn.function_name);
    const taskRoot = path.join(options.workDir, name);
    mkdirSync(taskRoot, { recursive: true });
    for (const [file, bytes] of Object.entries(unzipSync(readFileSync(path.join(options.stackDir, String(fn.filename)))))) {
      writeFileSync(path.join(taskRoot, file), bytes);
    }
    const variables = evaluate((fn.environment as { variables: Attributes }).variables) as Record<string, string>;
    const deployed = LambdaProcess.start(taskRoot, {
      ...variables,
      DB_CA_BUNDLE: options.caPath,
      ...fake.environment(name),
    });
    functions.set(name, deployed);
    functionByArn.set(String(resolve(`aws_lambda_function.${logical}.arn`)), deployed);
  }
  const rotationFunctionOf = new Map<string, LambdaProcess>();
  fake.rotationFunction = (event) => {
    const fn = rotationFunctionOf.get(event.SecretId);
    if (fn === undefined) throw new Error(`no function rotates ${event.SecretId}`);
    return fn.invoke(event);
  };

  for (const [, rotation] of resources("aws_secretsmanager_secret_rotation")) {
    const secretArn = String(evaluate(rotation.secret_id));
    const lambdaArn = rotation.rotation_lambda_arn === undefined ? undefined : String(evaluate(rotation.rotation_lambda_arn));
    if (lambdaArn !== undefined) rotationFunctionOf.set(secretArn, functionByArn.get(lambdaArn) as LambdaProcess);
    const rules = rotation.rotation_rules as Attributes;
    await terraform.send(
      new RotateSecretCommand({
        SecretId: secretArn,
        RotationLambdaARN: lambdaArn,
        RotationRules: {
          AutomaticallyAfterDays: rules.automatically_after_days as number | undefined,
          ScheduleExpression: rules.schedule_expression as string | undefined,
          Duration: rules.duration as string | undefined,
        },
        RotateImmediately: rotation.rotate_immediately as boolean,
      }),
    );
  }
  await fake.rotationsSettled();

  const outputsFile = path.join(options.workDir, "outputs.json");
  const outputs = Object.fromEntries(
    Object.entries(stack.output ?? {}).map(([name, output]) => [name, { sensitive: false, type: null, value: evaluate(output.value) }]),
  );
  writeFileSync(outputsFile, JSON.stringify(outputs, null, 2));

  return {
    outputsFile,
    secretArns,
    masterSecretArn,
    functions,
    close: async () => {
      await Promise.all([...functions.values()].map((fn) => fn.close()));
    },
  };
}
