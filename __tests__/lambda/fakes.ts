/**
 * Test doubles for the rotation function's unit tests: an in-memory Secrets Manager
 * behind aws-sdk-client-mock (version and staging-label rules of the service), and an
 * in-memory database engine. No network, no database.
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as path from "node:path";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InternalServiceError,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type GetRandomPasswordCommandInput,
  type GetSecretValueCommandInput,
  type PutSecretValueCommandInput,
  type UpdateSecretVersionStageCommandInput,
} from "@aws-sdk/client-secrets-manager";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { DatabaseError } from "../../lambda/errors";
import { createHandler, type RotationEvent, type RotationOptions } from "../../lambda/index";
import type {
  ConnectOptions,
  ConnectionTarget,
  DatabaseEngine,
  DatabaseSession,
  EngineRegistry,
} from "../../lambda/engines/engine";
import type { Privilege, RotationStrategy } from "../../shared/secret-contract";
import type { Credentials } from "../../lambda/secret-value";

export const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dev/app-AbCdEf";
export const MASTER_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1234-XyZ";
export const MASTER = { username: "adminuser", password: "Master-Password-0123456789abcdef" };
export const SEED_VERSION = "00000000-0000-4000-8000-000000000000";
/** A PEM file the handler reads as its CA bundle (the fake engine only passes the text on). */
export const CA_PATH = path.join(__dirname, "fixtures", "test-ca.pem");

/** The seed Terraform writes: connection metadata and no password. */
export const SEED = {
  engine: "mysql",
  host: "db.example.internal",
  port: 3306,
  username: "app",
  dbname: "appdb",
  masterarn: MASTER_ARN,
  ssl: true,
  dbInstanceIdentifier: "mydb",
  privileges: ["SELECT", "INSERT"],
};

export type CommandName = "DescribeSecret" | "GetSecretValue" | "PutSecretValue" | "UpdateSecretVersionStage" | "GetRandomPassword";

interface Version {
  value?: string;
  readonly stages: Set<string>;
}

/**
 * Secrets Manager for two secrets (the application secret and the master secret),
 * implemented on top of aws-sdk-client-mock so that calls can be counted per command.
 */
export class FakeSecrets {
  readonly client = new SecretsManagerClient({ region: "eu-west-1" });
  readonly mock: AwsClientStub<SecretsManagerClient> = mockClient(this.client);
  readonly versions = new Map<string, Version>();
  rotationEnabled = true;
  masterValue: string = JSON.stringify(MASTER);
  /** Every password GetRandomPassword returned, in order. */
  readonly generated: string[] = [];
  /** Inputs of GetRandomPassword. */
  readonly passwordRequests: GetRandomPasswordCommandInput[] = [];
  private readonly faults = new Map<CommandName, "before" | "after">();

  constructor(seed: Record<string, unknown> | string = SEED) {
    this.addVersion(SEED_VERSION, typeof seed === "string" ? seed : JSON.stringify(seed), ["AWSCURRENT", "TERRAFORM_SEED"]);
    const on = this.mock.on.bind(this.mock);
    on(DescribeSecretCommand).callsFake(
      this.faulty("DescribeSecret", () => ({
        ARN: SECRET_ARN,
        RotationEnabled: this.rotationEnabled,
        VersionIdsToStages: Object.fromEntries(
          [...this.versions].filter(([, v]) => v.stages.size > 0).map(([id, v]) => [id, [...v.stages]]),
        ),
      })),
    );
    on(GetSecretValueCommand).callsFake(this.faulty("GetSecretValue", (input: GetSecretValueCommandInput) => this.getSecretValue(input)));
    on(PutSecretValueCommand).callsFake(this.faulty("PutSecretValue", (input: PutSecretValueCommandInput) => this.putSecretValue(input)));
    on(UpdateSecretVersionStageCommand).callsFake(
      this.faulty("UpdateSecretVersionStage", (input: UpdateSecretVersionStageCommandInput) => this.updateStage(input)),
    );
    on(GetRandomPasswordCommand).callsFake(
      this.faulty("GetRandomPassword", (input: GetRandomPasswordCommandInput) => {
        this.passwordRequests.push(input);
        const password = `Pw.${randomBytes(96).toString("base64url")}`.slice(0, input.PasswordLength ?? 32);
        this.generated.push(password);
        return { RandomPassword: password };
      }),
    );
  }

  /**
   * Makes the next call of `command` fail: `before` it takes effect, or `after` (the
   * call takes effect and its response is lost).
   */
  failNext(command: CommandName, when: "before" | "after"): void {
    this.faults.set(command, when);
  }

  private faulty<Input>(name: CommandName, handle: (input: Input) => unknown): (input: Input) => unknown {
    return (input) => {
      const fault = this.faults.get(name);
      this.faults.delete(name);
      if (fault === "before") throw new InternalServiceError({ message: "injected fault", $metadata: {} });
      const output = handle(input);
      if (fault === "after") throw new InternalServiceError({ message: "injected fault", $metadata: {} });
      return output;
    };
  }

  addVersion(id: string, value: string | undefined, stages: string[]): void {
    for (const stage of stages) this.removeStage(stage);
    this.versions.set(id, { value, stages: new Set(stages) });
  }

  /** What RotateSecret does before invoking the function: a version labelled AWSPENDING with no value. */
  beginRotation(): string {
    const token = randomUUID();
    this.addVersion(token, undefined, ["AWSPENDING"]);
    return token;
  }

  /** The parsed JSON of the version holding `stage`. */
  json(stage = "AWSCURRENT"): Record<string, unknown> {
    const version = [...this.versions.values()].find((v) => v.stages.has(stage));
    if (version?.value === undefined) throw new Error(`no value with ${stage}`);
    return JSON.parse(version.value) as Record<string, unknown>;
  }

  stagesOf(id: string): string[] {
    return [...(this.versions.get(id)?.stages ?? [])].sort();
  }

  /** Number of Secrets Manager calls so far. */
  get callCount(): number {
    return this.mock.calls().length;
  }

  /** Names of the commands called so far, in order. */
  commandNames(): string[] {
    return this.mock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ""));
  }

  private removeStage(stage: string): void {
    for (const version of this.versions.values()) version.stages.delete(stage);
  }

  private getSecretValue(input: GetSecretValueCommandInput) {
    if (input.SecretId === MASTER_ARN) return { ARN: MASTER_ARN, SecretString: this.masterValue };
    if (input.SecretId !== SECRET_ARN) throw notFound("secret");
    const stage = input.VersionStage ?? (input.VersionId === undefined ? "AWSCURRENT" : undefined);
    const entry = [...this.versions].find(
      ([id, v]) => (input.VersionId === undefined || id === input.VersionId) && (stage === undefined || v.stages.has(stage)),
    );
    if (entry?.[1].value === undefined) throw notFound("secret value");
    return { ARN: SECRET_ARN, VersionId: entry[0], SecretString: entry[1].value, VersionStages: [...entry[1].stages] };
  }

  private putSecretValue(input: PutSecretValueCommandInput) {
    const token = input.ClientRequestToken ?? randomUUID();
    const existing = this.versions.get(token);
    if (existing?.value !== undefined) {
      if (existing.value !== input.SecretString) {
        throw new ResourceExistsException({ message: "You can't modify an existing version", $metadata: {} });
      }
      return { ARN: SECRET_ARN, VersionId: token };
    }
    const stages = input.VersionStages ?? ["AWSCURRENT"];
    for (const stage of stages) this.removeStage(stage);
    this.versions.set(token, { value: input.SecretString, stages: new Set(stages) });
    return { ARN: SECRET_ARN, VersionId: token };
  }

  private updateStage(input: UpdateSecretVersionStageCommandInput) {
    const stage = input.VersionStage as string;
    const holder = [...this.versions].find(([, v]) => v.stages.has(stage))?.[0];
    if (holder !== undefined && holder !== input.RemoveFromVersionId) {
      throw new Error(`${stage} is on ${holder}, not on RemoveFromVersionId`);
    }
    if (stage === "AWSCURRENT" && holder !== undefined) {
      this.removeStage("AWSPREVIOUS");
      this.versions.get(holder)?.stages.add("AWSPREVIOUS");
    }
    this.removeStage(stage);
    this.versions.get(input.MoveToVersionId as string)?.stages.add(stage);
    return { ARN: SECRET_ARN };
  }
}

function notFound(what: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message: `Secrets Manager can't find the specified ${what}`, $metadata: {} });
}

interface FakeUser {
  password: string;
  privileges: string[];
}

/** An operation that fails once, on its next call. */
export type FakeOperation = keyof Omit<DatabaseSession, "close"> | "connect";

/**
 * A database holding users in memory, serving both engine families. Records every
 * connection and operation; `failNext` makes one operation fail (not an auth failure).
 */
export class FakeDatabase implements DatabaseEngine {
  readonly users = new Map<string, FakeUser>();
  /** `operation user [detail]`, in order. */
  readonly operations: string[] = [];
  readonly connections: { target: ConnectionTarget; username: string; options: ConnectOptions }[] = [];
  openSessions = 0;
  private readonly failures = new Map<FakeOperation, Error>();

  failNext(operation: FakeOperation, error: Error = new DatabaseError(`${operation} failed: injected`, false)): void {
    this.failures.set(operation, error);
  }

  registry(): EngineRegistry {
    return { mysql: this, postgres: this };
  }

  async connect(target: ConnectionTarget, credentials: Credentials, options: ConnectOptions): Promise<DatabaseSession> {
    this.connections.push({ target, username: credentials.username, options });
    this.maybeFail("connect");
    const isMaster = credentials.username === MASTER.username && credentials.password === MASTER.password;
    if (!isMaster && this.users.get(credentials.username)?.password !== credentials.password) {
      throw new DatabaseError(`connect as ${credentials.username} failed: access denied`, true);
    }
    this.openSessions++;
    const record = (entry: string) => this.operations.push(entry);
    const step = async (operation: FakeOperation, entry: string, change: () => void) => {
      this.maybeFail(operation);
      change();
      record(entry);
    };
    const user = (name: string) => {
      const found = this.users.get(name);
      if (!found) throw new DatabaseError(`user ${name} does not exist`, false);
      return found;
    };
    const requireMaster = () => {
      if (!isMaster) throw new DatabaseError("only the master user may do this", false);
    };
    return {
      test: () => step("test", `test ${credentials.username}`, () => undefined),
      setOwnPassword: (password) =>
        step("setOwnPassword", `setOwnPassword ${credentials.username}`, () => {
          user(credentials.username).password = password;
        }),
      userExists: async (name) => {
        this.maybeFail("userExists");
        return this.users.has(name);
      },
      createUser: (name, password) =>
        step("createUser", `createUser ${name}`, () => {
          requireMaster();
          if (this.users.has(name)) throw new DatabaseError(`user ${name} exists`, false);
          this.users.set(name, { password, privileges: [] });
        }),
      setPassword: (name, password) =>
        step("setPassword", `setPassword ${name}`, () => {
          requireMaster();
          user(name).password = password;
        }),
      grantPrivileges: (name, dbname, privileges: readonly Privilege[]) =>
        step("grantPrivileges", `grantPrivileges ${name} ${dbname} ${privileges.join(",")}`, () => {
          requireMaster();
          const target = user(name);
          target.privileges = [...new Set([...target.privileges, ...privileges.map((p) => `${p} on ${dbname}`)])];
        }),
      copyPrivileges: (from, to) =>
        step("copyPrivileges", `copyPrivileges ${from} ${to}`, () => {
          requireMaster();
          const target = user(to);
          target.privileges = [...new Set([...target.privileges, ...user(from).privileges])];
        }),
      close: async () => {
        this.openSessions--;
      },
    };
  }

  private maybeFail(operation: FakeOperation): void {
    const error = this.failures.get(operation);
    if (error) {
      this.failures.delete(operation);
      throw error;
    }
  }
}

/** Lines written to stdout while the test runs, parsed as JSON. */
export function captureLogs(): { lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const text = () => chunks.join("");
  return {
    text,
    lines: () =>
      text()
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A Secrets Manager fake, a database fake and a handler wired to both. */
export function setUp(
  strategy: RotationStrategy,
  options: { seed?: Record<string, unknown> | string; handler?: Partial<RotationOptions> } = {},
) {
  const secrets = new FakeSecrets(options.seed);
  const database = new FakeDatabase();
  const handler = createHandler({
    client: secrets.client,
    strategy,
    engines: database.registry(),
    caBundlePath: CA_PATH,
    ...options.handler,
  });
  const invoke = (Step: RotationEvent["Step"], ClientRequestToken: string) =>
    handler({ SecretId: SECRET_ARN, ClientRequestToken, Step });
  return { secrets, database, handler, invoke };
}

export const STEPS: readonly RotationEvent["Step"][] = ["createSecret", "setSecret", "testSecret", "finishSecret"];
