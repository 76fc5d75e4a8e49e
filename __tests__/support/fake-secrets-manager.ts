/**
 * A stateful stand-in for AWS Secrets Manager: an HTTP server on 127.0.0.1 speaking the
 * AWS JSON 1.1 protocol, so the real SDK v3 client talks to it (through `endpoint`, or
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`, with any credentials; signatures are not checked).
 *
 * It keeps the version and staging-label rules of the service:
 *  - a staging label is on at most one version of a secret; attaching it elsewhere moves it;
 *  - when AWSCURRENT moves, AWSPREVIOUS moves to the version AWSCURRENT left;
 *  - a version with no label is deprecated: DescribeSecret omits it, GetSecretValue by
 *    VersionId still returns it (the service purges such versions only past 100);
 *  - PutSecretValue is idempotent on ClientRequestToken + value, and refuses the same
 *    token with another value, as the service documents; with `overwritePendingValues`
 *    it overwrites the value of a version labelled AWSPENDING instead, as the open-source
 *    emulator moto does (nothing here can prove which one a region does);
 *  - RotateSecret enables rotation, refuses to start while AWSPENDING is on a version
 *    other than AWSCURRENT, adds a version (id = ClientRequestToken) that has the label
 *    AWSPENDING and no value yet, and, with a rotation function attached, runs the four
 *    steps in order as the service does (`runRotation`).
 *
 * Operations: CreateSecret, DescribeSecret, GetSecretValue, PutSecretValue,
 * UpdateSecretVersionStage, ListSecretVersionIds, GetRandomPassword, RotateSecret,
 * CancelRotateSecret; DescribeSecret reports `OwningService` and a `NextRotationDate`
 * computed from the rotation rules. Test helpers: `seedSecret`, `versions`, `stages`,
 * `currentValue`, `setRotationEnabled`, call records (`calls`, `countCalls`, `resetCalls`, attributed to
 * the rotation step running at the time), and fault injection (`injectFault`).
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { randomInt, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { RATE_EXPRESSION } from "../../constructs/rotation-schedule";

export const ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}
export type RotationFunction = (event: RotationEvent) => Promise<unknown>;

export const OPERATIONS = [
  "CreateSecret",
  "DescribeSecret",
  "GetSecretValue",
  "PutSecretValue",
  "UpdateSecretVersionStage",
  "ListSecretVersionIds",
  "GetRandomPassword",
  "RotateSecret",
  "CancelRotateSecret",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** One request received. */
export interface CallRecord {
  readonly operation: string;
  /** `SecretId` (or `Name`) of the request, as sent. */
  readonly secretId?: string;
  /** Access key id of the caller's credentials: tells clients apart. */
  readonly caller: string;
  /** The rotation step running when the call arrived (see `runRotation`), if any. */
  readonly step?: RotationStep;
  /** Error type returned, if the call failed. */
  readonly error?: string;
}

/** A failure to inject. Calls are matched on `operation` and, if given, `secretId`. */
export interface FaultSpec {
  readonly operation: Operation;
  /** Only calls naming this secret (name or ARN). */
  readonly secretId?: string;
  /** The first matching call that fails, counted from now: 1 = the next one. @default 1 */
  readonly nth?: number;
  /**
   * How many consecutive matching calls fail from the nth on (the SDK retries a 500,
   * so a step only fails if the retries fail too); the fault then disarms.
   * @default Infinity (until removed)
   */
  readonly times?: number;
  /**
   * `before`: the call fails and changes nothing. `after`: the call takes effect, then
   * the caller gets the error (a lost response).
   * @default "before"
   */
  readonly when?: "before" | "after";
  /** @default "InternalServiceError" (HTTP 500, which the SDK retries; other types are HTTP 400) */
  readonly errorType?: string;
  /** @default "injected fault" */
  readonly message?: string;
}

/** A version as stored, for inspection. */
export interface VersionView {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly secretString?: string;
  readonly createdDate: Date;
}

export interface SeedOptions {
  readonly name: string;
  /** Objects are stored as JSON. Omit for a secret with no version. */
  readonly value?: string | object;
  /** @default ["AWSCURRENT"] */
  readonly stages?: readonly string[];
  /** @default a new UUID */
  readonly versionId?: string;
  /** Rotation configured and enabled. @default false */
  readonly rotationEnabled?: boolean;
  /** The service that manages the secret, DescribeSecret's `OwningService` (e.g. `rds`). @default none */
  readonly owningService?: string;
}

/** An error as the service returns it: `{"__type": type, "message": ...}`. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = type === "InternalServiceError" ? 500 : 400,
  ) {
    super(message);
    this.name = type;
  }
}

const AWSCURRENT = "AWSCURRENT";
const AWSPREVIOUS = "AWSPREVIOUS";
const AWSPENDING = "AWSPENDING";
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

interface StoredVersion {
  readonly id: string;
  secretString?: string;
  secretBinary?: string;
  readonly created: Date;
}

interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly created: Date;
  lastChanged: Date;
  lastRotated?: Date;
  /** Undefined until rotation is first configured, as the service omits it then. */
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: Record<string, unknown>;
  /** When the rotation rules were last set: the schedule counts from it until a rotation finishes. */
  rotationScheduledFrom?: Date;
  owningService?: string;
  /** In creation order. */
  readonly versions: Map<string, StoredVersion>;
  /** Staging label -> version id: one version per label by construction. */
  readonly labels: Map<string, string>;
}

interface ArmedFault extends FaultSpec {
  /** Matching calls still to let through before failing. */
  skip: number;
  /** Failures left. */
  left: number;
}

type Input = Record<string, unknown>;
const epochSeconds = (date: Date) => date.getTime() / 1000;

export class FakeSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly records: CallRecord[] = [];
  private readonly faults = new Set<ArmedFault>();
  private currentStep: RotationStep | undefined;
  private readonly rotations = new Set<Promise<void>>();
  private readonly handlers: Record<Operation, (input: Input) => unknown> = {
    CreateSecret: (i) => this.createSecret(i),
    DescribeSecret: (i) => this.describeSecret(i),
    GetSecretValue: (i) => this.getSecretValue(i),
    PutSecretValue: (i) => this.putSecretValue(i),
    UpdateSecretVersionStage: (i) => this.updateSecretVersionStage(i),
    ListSecretVersionIds: (i) => this.listSecretVersionIds(i),
    GetRandomPassword: (i) => this.getRandomPassword(i),
    RotateSecret: (i) => this.rotateSecret(i),
    CancelRotateSecret: (i) => this.cancelRotateSecret(i),
  };

  /**
   * Function that RotateSecret runs (the four steps, in the background as the service
   * does; `rotationsSettled()` waits for them). Without one, RotateSecret only starts the
   * rotation (adds the AWSPENDING version).
   */
  rotationFunction: RotationFunction | undefined;

  /**
   * PutSecretValue with the token of a version that has a value and the label
   * AWSPENDING replaces that value (moto's behaviour) instead of failing with
   * ResourceExistsException (the documented one).
   */
  overwritePendingValues = false;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`, for `endpoint` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
    readonly endpoint: string,
  ) {}

  /** Starts a fake on a free port of 127.0.0.1. */
  static async start(): Promise<FakeSecretsManager> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const fake = new FakeSecretsManager(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void fake.serve(req, res));
    return fake;
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** An SDK client for this fake; `caller` becomes the access key id that call records show. */
  client(caller = "test", config: SecretsManagerClientConfig = {}): SecretsManagerClient {
    return new SecretsManagerClient({
      endpoint: this.endpoint,
      region: REGION,
      credentials: { accessKeyId: caller, secretAccessKey: "fake" },
      ...config,
    });
  }

  /** Environment variables that point an SDK client created from the environment at this fake. */
  environment(caller = "test"): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: caller,
      AWS_SECRET_ACCESS_KEY: "fake",
    };
  }

  // ---- test helpers ---------------------------------------------------------------

  /** Creates a secret directly (not recorded as a call). Returns its ARN. */
  seedSecret(options: SeedOptions): string {
    const secret = this.newSecret(options.name);
    if (options.value !== undefined) {
      const value = typeof options.value === "string" ? options.value : JSON.stringify(options.value);
      const version = this.addVersion(secret, options.versionId ?? randomUUID(), value);
      for (const stage of options.stages ?? [AWSCURRENT]) this.attachLabel(secret, stage, version.id);
    }
    if (options.rotationEnabled) secret.rotationEnabled = true;
    secret.owningService = options.owningService;
    return secret.arn;
  }

  /** Every version, deprecated ones included, oldest first. */
  versions(secretId: string): VersionView[] {
    const secret = this.find(secretId);
    return [...secret.versions.values()].map((v) => ({
      versionId: v.id,
      stages: this.stagesOf(secret, v.id),
      secretString: v.secretString,
      createdDate: v.created,
    }));
  }

  /** Version id -> its staging labels (sorted), every version included: a snapshot to compare. */
  stages(secretId: string): Record<string, string[]> {
    return Object.fromEntries(this.versions(secretId).map((v) => [v.versionId, [...v.stages].sort()]));
  }

  /** The SecretString of the version with `stage`, or undefined. */
  currentValue(secretId: string, stage = AWSCURRENT): string | undefined {
    const secret = this.find(secretId);
    const id = secret.labels.get(stage);
    return id === undefined ? undefined : secret.versions.get(id)?.secretString;
  }

  /** ARN of a secret given its name or ARN. */
  arnOf(secretId: string): string {
    return this.find(secretId).arn;
  }

  /** Turns rotation on or off without the API (off is what CancelRotateSecret does). */
  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.find(secretId).rotationEnabled = enabled;
  }

  /** Arms a fault; returns a function that disarms it. */
  injectFault(spec: FaultSpec): () => void {
    const fault: ArmedFault = { ...spec, skip: (spec.nth ?? 1) - 1, left: spec.times ?? Infinity };
    this.faults.add(fault);
    return () => this.faults.delete(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Calls received since the last `resetCalls()`, oldest first. */
  get calls(): readonly CallRecord[] {
    return [...this.records];
  }

  /** Number of calls matching every given field of `filter`. */
  countCalls(filter: Partial<CallRecord> = {}): number {
    return this.records.filter((record) =>
      Object.entries(filter).every(([key, value]) => record[key as keyof CallRecord] === value),
    ).length;
  }

  resetCalls(): void {
    this.records.length = 0;
  }

  // ---- the rotation service -------------------------------------------------------

  /**
   * What RotateSecret does before calling the function: enables rotation and adds the
   * version `token` with the label AWSPENDING and no value. Returns the token.
   */
  beginRotation(secretId: string, token: string = randomUUID()): string {
    const secret = this.find(secretId);
    const pending = secret.labels.get(AWSPENDING);
    if (pending !== undefined && pending !== secret.labels.get(AWSCURRENT)) {
      throw new ServiceError("InvalidRequestException", "A previous rotation isn't complete. That rotation will be reattempted.");
    }
    if (secret.versions.has(token)) {
      throw new ServiceError("ResourceExistsException", `A version with ClientRequestToken ${token} already exists.`);
    }
    secret.rotationEnabled = true;
    this.addVersion(secret, token, undefined);
    this.attachLabel(secret, AWSPENDING, token);
    return token;
  }

  /**
   * Runs the four steps for `token` in order, as the service does for a rotation and for
   * each retry of it; calls made meanwhile are attributed to the running step. Rejects
   * with a RotationStepError at the first failing step. `stopAfter` abandons the rotation
   * after that step (the function's process died). After finishSecret, sets LastRotatedDate.
   * Attribution assumes one rotation at a time: calls of concurrent rotations (or of other
   * clients) made meanwhile get the same step; tell them apart by `caller`.
   */
  async runRotation(
    secretId: string,
    token: string,
    rotationFunction: RotationFunction,
    options: { stopAfter?: RotationStep; beforeStep?: StepHook; afterStep?: StepHook } = {},
  ): Promise<void> {
    const secret = this.find(secretId);
    for (const step of ROTATION_STEPS) {
      this.currentStep = step;
      try {
        await options.beforeStep?.(step);
        await rotationFunction({ SecretId: secret.arn, ClientRequestToken: token, Step: step });
        await options.afterStep?.(step);
      } catch (cause) {
        throw new RotationStepError(step, token, cause);
      } finally {
        this.currentStep = undefined;
      }
      if (step === "finishSecret") secret.lastRotated = new Date();
      if (step === options.stopAfter) return;
    }
  }

  /** Waits for the rotations that RotateSecret started in the background. */
  async rotationsSettled(): Promise<void> {
    while (this.rotations.size > 0) await Promise.allSettled([...this.rotations]);
  }

  // ---- protocol -------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^secretsmanager\./, "");
    const caller = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "anonymous";
    let input: Input = {};
    let result: unknown;
    let failure: ServiceError | undefined;
    try {
      if (req.method !== "POST" || !target.startsWith("secretsmanager.") || !(operation in this.handlers)) {
        throw new ServiceError("UnknownOperationException", `Unknown operation ${target}`);
      }
      try {
        input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Input;
      } catch {
        throw new ServiceError("SerializationException", "Request body is not valid JSON");
      }
      const fault = this.takeFault(operation as Operation, input);
      if (fault?.when !== "after") this.throwFault(fault);
      result = this.handlers[operation as Operation](input);
      this.throwFault(fault);
    } catch (error) {
      failure = error instanceof ServiceError ? error : new ServiceError("InternalServiceError", String(error));
    }
    const secretId = (input.SecretId ?? input.Name) as string | undefined;
    this.records.push({ operation, secretId, caller, step: this.currentStep, error: failure?.type });
    const body = failure ? { __type: failure.type, message: failure.message } : result;
    res
      .writeHead(failure?.status ?? 200, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": randomUUID(),
        ...(failure ? { "x-amzn-errortype": failure.type } : {}),
      })
      .end(JSON.stringify(body ?? {}));
  }

  private takeFault(operation: Operation, input: Input): ArmedFault | undefined {
    for (const fault of this.faults) {
      if (fault.operation !== operation) continue;
      if (fault.secretId !== undefined && !this.sameSecret(fault.secretId, input.SecretId)) continue;
      if (fault.skip > 0) {
        fault.skip -= 1;
        continue;
      }
      fault.left -= 1;
      if (fault.left <= 0) this.faults.delete(fault);
      return fault;
    }
    return undefined;
  }

  private throwFault(fault: ArmedFault | undefined): void {
    if (fault) throw new ServiceError(fault.errorType ?? "InternalServiceError", fault.message ?? "injected fault");
  }

  private sameSecret(a: string, b: unknown): boolean {
    if (typeof b !== "string") return false;
    const secretA = this.lookup(a);
    return secretA !== undefined && secretA === this.lookup(b);
  }

  // ---- operations -----------------------------------------------------------------

  private createSecret(input: Input) {
    const name = requireString(input, "Name");
    const secret = this.newSecret(name, input.Description as string | undefined);
    const value = input.SecretString as string | undefined;
    if (value === undefined && input.SecretBinary === undefined) return { ARN: secret.arn, Name: secret.name };
    const version = this.addVersion(secret, (input.ClientRequestToken as string | undefined) ?? randomUUID(), value, input.SecretBinary as string | undefined);
    this.attachLabel(secret, AWSCURRENT, version.id);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id };
  }

  private describeSecret(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    const next = nextRotation(secret);
    const versionIdsToStages = Object.fromEntries(
      [...secret.versions.keys()].map((id) => [id, this.stagesOf(secret, id)]).filter(([, stages]) => stages.length > 0),
    );
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      RotationEnabled: secret.rotationEnabled,
      RotationLambdaARN: secret.rotationLambdaArn,
      RotationRules: secret.rotationRules,
      CreatedDate: epochSeconds(secret.created),
      LastChangedDate: epochSeconds(secret.lastChanged),
      LastRotatedDate: secret.lastRotated && epochSeconds(secret.lastRotated),
      NextRotationDate: next && epochSeconds(next),
      OwningService: secret.owningService,
      VersionIdsToStages: versionIdsToStages,
    };
  }

  private getSecretValue(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    const versionId = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (versionId === undefined ? AWSCURRENT : undefined);
    const id = versionId ?? secret.labels.get(stage as string);
    const version = id === undefined ? undefined : secret.versions.get(id);
    const stageMatches = stage === undefined || secret.labels.get(stage) === id;
    if (!version || !stageMatches || (version.secretString === undefined && version.secretBinary === undefined)) {
      const what = [versionId && `VersionId: ${versionId}`, stage && `staging label: ${stage}`].filter(Boolean).join(" and ");
      throw new ServiceError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for ${what}`);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.secretString,
      SecretBinary: version.secretBinary,
      VersionStages: this.stagesOf(secret, version.id),
      CreatedDate: epochSeconds(version.created),
    };
  }

  private putSecretValue(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    const token = (input.ClientRequestToken as string | undefined) ?? randomUUID();
    if (token.length < 32 || token.length > 64) {
      throw new ServiceError("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters long.");
    }
    const value = input.SecretString as string | undefined;
    const binary = input.SecretBinary as string | undefined;
    if ((value === undefined) === (binary === undefined)) {
      throw new ServiceError("InvalidParameterException", "You must provide either SecretString or SecretBinary, but not both.");
    }
    const stages = (input.VersionStages as string[] | undefined) ?? [AWSCURRENT];
    const existing = secret.versions.get(token);
    const overwrite = this.overwritePendingValues && secret.labels.get(AWSPENDING) === token;
    if (existing && !overwrite && (existing.secretString !== undefined || existing.secretBinary !== undefined)) {
      if (existing.secretString !== value || existing.secretBinary !== binary) {
        throw new ServiceError("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
      }
      // Same token, same value: the request is ignored.
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: this.stagesOf(secret, token) };
    }
    const version = existing ?? this.addVersion(secret, token, undefined);
    version.secretString = value;
    version.secretBinary = binary;
    for (const stage of stages) this.attachLabel(secret, stage, token);
    secret.lastChanged = new Date();
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: this.stagesOf(secret, token) };
  }

  private updateSecretVersionStage(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    const stage = requireString(input, "VersionStage");
    const moveTo = input.MoveToVersionId as string | undefined;
    const removeFrom = input.RemoveFromVersionId as string | undefined;
    for (const id of [moveTo, removeFrom]) {
      if (id !== undefined && !secret.versions.has(id)) {
        throw new ServiceError("ResourceNotFoundException", `Secrets Manager can't find the specified secret version: ${id}`);
      }
    }
    const holder = secret.labels.get(stage);
    const notOn = (id: string) => new ServiceError("InvalidParameterException", `The staging label ${stage} is not attached to version ${id}.`);
    if (moveTo === undefined) {
      if (removeFrom === undefined) throw new ServiceError("InvalidParameterException", "You must specify MoveToVersionId or RemoveFromVersionId.");
      if (holder !== removeFrom) throw notOn(removeFrom);
      if (stage === AWSCURRENT) {
        throw new ServiceError("InvalidParameterException", "You can't remove the staging label AWSCURRENT; move it to another version instead.");
      }
      secret.labels.delete(stage);
    } else if (holder !== moveTo) {
      // Taking the label from another version requires naming that version.
      if (holder !== undefined && removeFrom === undefined) {
        throw new ServiceError(
          "InvalidParameterException",
          `The staging label ${stage} is currently attached to version ${holder}. You must specify RemoveFromVersionId to move it.`,
        );
      }
      if (holder !== removeFrom && removeFrom !== undefined) throw notOn(removeFrom);
      this.attachLabel(secret, stage, moveTo);
    }
    // Moving a label to the version that already has it changes nothing and succeeds.
    secret.lastChanged = new Date();
    return { ARN: secret.arn, Name: secret.name };
  }

  private listSecretVersionIds(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    const versions = this.versions(secret.arn).filter((v) => input.IncludeDeprecated === true || v.stages.length > 0);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Versions: versions.map((v) => ({ VersionId: v.versionId, VersionStages: v.stages, CreatedDate: epochSeconds(v.createdDate) })),
    };
  }

  private getRandomPassword(input: Input) {
    const length = (input.PasswordLength as number | undefined) ?? 32;
    if (!Number.isInteger(length) || length < 1 || length > 4096) {
      throw new ServiceError("InvalidParameterException", "PasswordLength must be between 1 and 4096.");
    }
    const excluded = new Set(String(input.ExcludeCharacters ?? ""));
    const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join("");
    const classes = [
      input.ExcludeLowercase === true ? "" : keep("abcdefghijklmnopqrstuvwxyz"),
      input.ExcludeUppercase === true ? "" : keep("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
      input.ExcludeNumbers === true ? "" : keep("0123456789"),
      input.ExcludePunctuation === true ? "" : keep(PUNCTUATION),
    ].filter((chars) => chars !== "");
    const all = classes.join("") + (input.IncludeSpace === true ? keep(" ") : "");
    if (all === "") throw new ServiceError("InvalidParameterException", "The password must be able to contain at least one character.");
    const pick = (chars: string) => chars[randomInt(chars.length)];
    const required = input.RequireEachIncludedType === false ? [] : classes.map(pick);
    if (required.length > length) {
      throw new ServiceError("InvalidParameterException", "PasswordLength is too short to include every required character type.");
    }
    const chars = [...required, ...Array.from({ length: length - required.length }, () => pick(all))];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return { RandomPassword: chars.join("") };
  }

  private rotateSecret(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    if (input.RotationLambdaARN !== undefined) secret.rotationLambdaArn = input.RotationLambdaARN as string;
    if (input.RotationRules !== undefined) {
      secret.rotationRules = input.RotationRules as Record<string, unknown>;
      secret.rotationScheduledFrom = new Date();
    }
    if (secret.rotationLambdaArn === undefined && this.rotationFunction === undefined) {
      throw new ServiceError("InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.");
    }
    if (input.RotateImmediately === false) {
      secret.rotationEnabled = true;
      return { ARN: secret.arn, Name: secret.name };
    }
    const token = this.beginRotation(secret.arn, (input.ClientRequestToken as string | undefined) ?? randomUUID());
    const run = this.rotationFunction;
    if (run) {
      const rotation = this.runRotation(secret.arn, token, run).catch(() => undefined);
      this.rotations.add(rotation);
      void rotation.finally(() => this.rotations.delete(rotation));
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  private cancelRotateSecret(input: Input) {
    const secret = this.find(requireString(input, "SecretId"));
    secret.rotationEnabled = false;
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.labels.get(AWSPENDING) };
  }

  // ---- store ----------------------------------------------------------------------

  private newSecret(name: string, description?: string): StoredSecret {
    if (this.lookup(name)) throw new ServiceError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
    const suffix = Array.from({ length: 6 }, () => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[randomInt(62)]).join("");
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix}`;
    const now = new Date();
    const secret: StoredSecret = { arn, name, description, created: now, lastChanged: now, versions: new Map(), labels: new Map() };
    this.secrets.set(arn, secret);
    return secret;
  }

  private addVersion(secret: StoredSecret, id: string, secretString: string | undefined, secretBinary?: string): StoredVersion {
    const version: StoredVersion = { id, secretString, secretBinary, created: new Date() };
    secret.versions.set(id, version);
    secret.lastChanged = version.created;
    return version;
  }

  /** Puts `stage` on `versionId`, taking it from any other version; AWSCURRENT drags AWSPREVIOUS along. */
  private attachLabel(secret: StoredSecret, stage: string, versionId: string): void {
    const previousHolder = secret.labels.get(stage);
    secret.labels.set(stage, versionId);
    if (stage === AWSCURRENT && previousHolder !== undefined && previousHolder !== versionId) {
      secret.labels.set(AWSPREVIOUS, previousHolder);
    }
  }

  private stagesOf(secret: StoredSecret, versionId: string): string[] {
    return [...secret.labels].filter(([, id]) => id === versionId).map(([stage]) => stage);
  }

  private lookup(secretId: string): StoredSecret | undefined {
    return this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.name === secretId);
  }

  private find(secretId: string): StoredSecret {
    const secret = this.lookup(secretId);
    if (!secret) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return secret;
  }
}

/**
 * DescribeSecret's `NextRotationDate` of an enabled rotation with a fixed interval (days or
 * `rate(...)`): the interval after the last rotation, or after the rules were set. It stays
 * in the past while rotations fail, as the service documents. None for `cron(...)`.
 */
function nextRotation(secret: StoredSecret): Date | undefined {
  const from = secret.lastRotated ?? secret.rotationScheduledFrom;
  const rules = secret.rotationRules ?? {};
  const rate = RATE_EXPRESSION.exec(String(rules.ScheduleExpression ?? ""));
  const hours =
    typeof rules.AutomaticallyAfterDays === "number"
      ? rules.AutomaticallyAfterDays * 24
      : rate && Number(rate[1]) * (rate[2].startsWith("hour") ? 1 : 24);
  if (!secret.rotationEnabled || from === undefined || !hours) return undefined;
  return new Date(from.getTime() + hours * 3_600_000);
}

export type StepHook = (step: RotationStep) => void | Promise<void>;

/** A rotation step failed; `cause` is what the function (or a hook) threw. */
export class RotationStepError extends Error {
  constructor(
    readonly step: RotationStep,
    readonly token: string,
    readonly cause: unknown,
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "RotationStepError";
  }
}

function requireString(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== "string" || value === "") {
    throw new ServiceError("ValidationException", `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}
