/**
 * `npm run verify -- <env> [--rotate] [--outputs <file>] [--timeout <seconds>]`: after the
 * apply, proves with the deployer's AWS credentials that the environment's secrets are as
 * configured.
 *
 * - What should exist comes from the environment's synthesized Terraform (this checkout);
 *   the ARNs from the stack's outputs: the local state file, or a file written by
 *   `terraform output -json` (any backend).
 * - Each database user's secret: rotation enabled with its function and schedule, no
 *   version stuck in AWSPENDING, the last rotation recent enough, the next one not overdue.
 *   The master secret: managed by RDS on its schedule. Each key/value secret: present,
 *   with a value.
 * - `--rotate`: rotates each database user's secret and waits for each to finish.
 *
 * Only DescribeSecret and RotateSecret are called: no secret value is read or printed.
 * Exit code 0 when nothing failed, 1 when a check or a rotation failed, 2 when the
 * verification could not run (no outputs, no credentials, unknown environment).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { TerraformStack } from "cdktf";
import { buildApp, environments } from "../main";
import type { EnvironmentConfig } from "../environments/types";
import { SDK_REQUEST_TIMEOUTS } from "../shared/sdk-timeouts";
import { localStateFile } from "../stacks/secrets-rotation-stack";
import { ensureRotationBundle } from "./rotation-bundle";
import { type ExpectedSecret, expectedState, type SynthesizedStack } from "./verify/expected-state";
import {
  type CheckResult,
  checkKeyValueSecret,
  checkMasterSecret,
  checkRotatedSecret,
  type SecretDescription,
} from "./verify/secret-checks";
import { functionNameOf } from "./verify/lambda-arn";
import { OutputsError, readStackOutputs } from "./verify/stack-outputs";
import { describeError, rotateAndWait } from "./verify/rotate";

const ROOT = path.resolve(__dirname, "..");
/** Database secrets rotated at the same time with `--rotate`. */
const ROTATION_CONCURRENCY = 4;

export interface VerifyOptions {
  readonly environment: EnvironmentConfig;
  /** A state file or the output of `terraform output -json`. */
  readonly outputsFile: string;
  /** Rotate each database user's secret and wait for it. */
  readonly rotate?: boolean;
  /** @default 300 */
  readonly timeoutSeconds?: number;
  /** @default 5 */
  readonly pollSeconds?: number;
  /** @default a client for the environment's region, with the default credential chain (it honours AWS_ENDPOINT_URL_SECRETS_MANAGER) */
  readonly client?: SecretsManagerClient;
  /** @default the current time */
  readonly now?: () => Date;
  /** Where the report goes, line by line. @default stdout */
  readonly write?: (line: string) => void;
}

export interface VerifyResult {
  readonly failed: number;
  readonly warnings: number;
}

/** The verification could not run: the message says why and what to do. */
export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerifyError";
  }
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const env = options.environment;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const outputs = readStackOutputs(options.outputsFile, outputsHint(env));
  const expected = expectedState(await synthesizedStack(env));
  const client = options.client ?? new SecretsManagerClient({ region: env.region, requestHandler: SDK_REQUEST_TIMEOUTS });
  /** The secret's description, or the result saying why there is none. */
  const describe = async (arn: string): Promise<SecretDescription | CheckResult> => {
    try {
      return await client.send(new DescribeSecretCommand({ SecretId: arn }));
    } catch (error) {
      refuseWithoutCredentials(error, env);
      return failedWith(`cannot be described: ${describeError(error)}`);
    }
  };

  let failed = 0;
  let warnings = 0;
  const report = (label: string, { findings, summary }: CheckResult): void => {
    const failures = findings.filter((f) => f.severity === "failure").length;
    if (failures > 0) failed += 1;
    else if (findings.length > 0) warnings += 1;
    const status = failures > 0 ? "FAILED " : findings.length > 0 ? "warning" : "ok     ";
    write(`  ${status}  ${label}: ${findings.length > 0 ? findings.map((f) => f.message).join("; ") : summary}`);
  };

  write(`Environment ${env.name} in ${env.region}, outputs from ${path.relative(process.cwd(), options.outputsFile) || options.outputsFile}`);
  const rotatable: { secret: ExpectedSecret; arn: string }[] = [];
  for (const secret of expected.secrets) {
    const arn = outputs.secretArns.get(secret.name);
    if (arn === undefined) {
      report(secret.name, failedWith("not in the stack's outputs: apply the stack, or pass the outputs of this environment"));
      continue;
    }
    const description = await describe(arn);
    if (!isDescription(description)) {
      report(secret.name, description);
    } else if (secret.kind === "key-value") {
      report(secret.name, checkKeyValueSecret(description, secret, now()));
    } else {
      report(secret.name, checkRotatedSecret(description, secret, now()));
      // Rotating by hand is no repair: only secrets whose rotation is configured as expected are rotated.
      if (description.RotationEnabled === true && functionNameOf(description.RotationLambdaARN) === secret.functionName) {
        rotatable.push({ secret, arn });
      }
    }
  }
  const master = await describe(outputs.masterSecretArn);
  report(
    `master secret ${outputs.masterSecretArn.split(":").slice(6).join(":")}`,
    isDescription(master) ? checkMasterSecret(master, expected.masterSchedule, now()) : master,
  );

  if (options.rotate) {
    const timeoutMs = (options.timeoutSeconds ?? 300) * 1000;
    write(`Rotating ${rotatable.length} database secret(s), ${ROTATION_CONCURRENCY} at a time, waiting at most ${timeoutMs / 1000} s each:`);
    const queue = [...rotatable];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const { secret, arn } = next;
        const outcome = await rotateAndWait(client, arn, {
          timeoutMs,
          pollMs: (options.pollSeconds ?? 5) * 1000,
          progress: (message) => write(`           ${secret.name}: ${message}`),
        });
        report(
          `rotation of ${secret.name}`,
          outcome.succeeded
            ? { findings: [], summary: outcome.message }
            : failedWith(`${outcome.message} (logs: /aws/lambda/${secret.functionName})`),
        );
      }
    };
    await Promise.all(Array.from({ length: ROTATION_CONCURRENCY }, worker));
  }
  write(`${failed === 0 ? "Verified" : "NOT verified"}: ${failed} failed, ${warnings} with warnings`);
  return { failed, warnings };
}

function failedWith(message: string): CheckResult {
  return { findings: [{ severity: "failure", message }], summary: "" };
}

function isDescription(value: SecretDescription | CheckResult): value is SecretDescription {
  return !("findings" in value);
}

/** The environment's Terraform, synthesized from this checkout in memory. */
async function synthesizedStack(env: EnvironmentConfig): Promise<SynthesizedStack> {
  const bundle = await ensureRotationBundle();
  const outdir = mkdtempSync(path.join(tmpdir(), "verify-"));
  try {
    const app = buildApp({ outdir, environments: [env], bundle });
    return (app.node.findChild(env.name) as TerraformStack).toTerraform() as SynthesizedStack;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Errors that say the credentials are missing or refused stop the verification. */
function refuseWithoutCredentials(error: unknown, env: EnvironmentConfig): void {
  const name = error instanceof Error ? error.name : "";
  if (name === "CredentialsProviderError") {
    throw new VerifyError(
      `no AWS credentials: run with the deployer's credentials for ${env.region} (AWS_PROFILE, or AWS_ACCESS_KEY_ID and ` +
        "AWS_SECRET_ACCESS_KEY); they need secretsmanager:DescribeSecret, and for --rotate secretsmanager:RotateSecret " +
        "and lambda:InvokeFunction on the rotation functions",
    );
  }
  if (["UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"].includes(name)) {
    throw new VerifyError(`the AWS credentials were refused (${describeError(error)}): renew them or choose another profile`);
  }
}

function outputsHint(env: EnvironmentConfig): string {
  return env.backend?.kind === "cloud"
    ? `Environment ${env.name} keeps its state in Terraform Cloud: pass --outputs <file>, written by \`terraform output -json\` in cdktf.out/stacks/${env.name}.`
    : `Apply the stack first (npx cdktf deploy ${env.name}), or pass --outputs <file>, written by \`terraform output -json\`.`;
}

/** Command line: see the file comment. */
export async function main(args: readonly string[] = []): Promise<void> {
  try {
    const parsed = parseArguments(args);
    const result = await verify(parsed);
    process.exitCode = result.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof VerifyError || error instanceof OutputsError)) throw error;
    process.stderr.write(`verify: ${error.message}\n`);
    process.exitCode = 2;
  }
}

function parseArguments(args: readonly string[]): VerifyOptions {
  const usage = "usage: npm run verify -- <environment> [--rotate] [--outputs <file>] [--timeout <seconds>]";
  const positional: string[] = [];
  let rotate = false;
  let outputsFile: string | undefined;
  let timeoutSeconds: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--rotate") rotate = true;
    else if (arg === "--outputs") outputsFile = args[++i];
    else if (arg === "--timeout") timeoutSeconds = Number(args[++i]);
    else if (arg.startsWith("--")) throw new VerifyError(`unknown option ${arg}; ${usage}`);
    else positional.push(arg);
  }
  if (positional.length !== 1 || outputsFile === "" || (timeoutSeconds !== undefined && !(timeoutSeconds > 0))) {
    throw new VerifyError(usage);
  }
  const environment = environments.find((e) => e.name === positional[0]);
  if (environment === undefined) {
    throw new VerifyError(`no environment ${JSON.stringify(positional[0])}; environments: ${environments.map((e) => e.name).join(", ")}`);
  }
  // No local file to default to: the state is in Terraform Cloud.
  if (outputsFile === undefined && environment.backend?.kind === "cloud") throw new VerifyError(outputsHint(environment));
  return {
    environment,
    outputsFile: path.resolve(outputsFile ?? path.join(ROOT, localStateFile(environment.name))),
    rotate,
    timeoutSeconds,
  };
}
