import { readFileSync } from "node:fs";

/** What the checks need from the stack's outputs. */
export interface StackOutputs {
  /** ARN of every secret of the stack, by name (database users' and key/value secrets). */
  readonly secretArns: ReadonlyMap<string, string>;
  /** ARN of the RDS-managed master secret. */
  readonly masterSecretArn: string;
}

/** Outputs that cannot be read, or do not describe this stack. */
export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputsError";
  }
}

/**
 * Reads the outputs from either file Terraform writes: a state file (`{"version": 4,
 * "outputs": {...}}`, the local backend's `terraform.<env>.tfstate`) or the result of
 * `terraform output -json` (`{"<name>": {"value": ...}}`, for any backend). Both hold each
 * output as `{ "value": ... }`; nothing but the outputs is read from a state file.
 */
export function readStackOutputs(file: string, hint: string): StackOutputs {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputsError(`no outputs: ${file} cannot be read (${code}). ${hint}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OutputsError(`no outputs: ${file} is not JSON (a state file or the output of terraform output -json)`);
  }
  const document = json as Record<string, unknown>;
  const outputs = (typeof document.version === "number" && "outputs" in document ? document.outputs : document) as Record<
    string,
    { value?: unknown } | undefined
  >;
  const value = (name: string): unknown => {
    const output = outputs?.[name];
    if (output === undefined || output === null || typeof output !== "object" || !("value" in output)) {
      throw new OutputsError(`${file} has no output ${name}: is the stack applied, with this version of the project? ${hint}`);
    }
    return output.value;
  };
  const secretArns = new Map<string, string>();
  for (const name of ["database_user_secrets", "key_value_secrets"]) {
    for (const [secretName, entry] of Object.entries((value(name) ?? {}) as Record<string, { arn?: unknown }>)) {
      if (typeof entry?.arn !== "string") throw new OutputsError(`${file}: output ${name} has no ARN for ${secretName}`);
      secretArns.set(secretName, entry.arn);
    }
  }
  const masterSecretArn = value("master_secret_arn");
  if (typeof masterSecretArn !== "string") throw new OutputsError(`${file}: output master_secret_arn is not an ARN`);
  return { secretArns, masterSecretArn };
}
