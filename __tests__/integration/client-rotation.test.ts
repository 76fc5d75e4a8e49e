/**
 * The application library against real servers while the rotation function rotates a
 * secret back to back: several clients, each a separate service with its own
 * SecretCache (default TTL), open connections in a loop through connectWithSecret.
 *
 * - alternating users: no connection fails (the previous user stays valid for a whole
 *   rotation, and an authentication failure fetches the current one);
 * - single user: failures happen only while a rotation is between setSecret (the
 *   database has the new password) and the end of finishSecret (AWSCURRENT has it), and
 *   the first connection after the last rotation succeeds, with at most one retry.
 *
 * The figures are printed in one summary line and, when CLIENT_ROTATION_REPORT names a
 * file, written there as JSON (for the README).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import {
  type DatabaseCredentials,
  SecretCache,
  connectWithSecret,
  handleRotationEvent,
  isAuthenticationError,
  mysqlConnectionOptions,
  pgClientConfig,
} from "../../client";
import type { Engine, RotationStrategy } from "../../lambda/secret-contract";
import type { ServerInfo } from "../support/db-servers";
import { RotationFixture, type SeededSecret } from "../support/rotation-fixture";

const CLIENTS = 4;
const ROTATIONS = 4;
/** Connections each client opens after the last rotation. */
const TAIL_CONNECTIONS = 3;

/** One connectWithSecret call. */
interface Attempt {
  readonly client: number;
  readonly start: number;
  readonly end: number;
  /** Calls of the connect callback: 2 means it retried after an authentication failure. */
  readonly connects: number;
  readonly error?: unknown;
}

/** From the start of setSecret to the end of finishSecret of one rotation. */
interface Window {
  readonly start: number;
  readonly end: number;
}

/** The figures of one engine × strategy run. */
interface RunFigures {
  readonly connections: number;
  readonly failed: number;
  readonly retried: number;
  /** GetSecretValue calls of all clients together, their first reads included. */
  readonly getSecretValueCalls: number;
}

let fx: RotationFixture;
let ca: Buffer;
const figures: Record<string, RunFigures> = {};

beforeAll(async () => {
  fx = await RotationFixture.create();
  ca = readFileSync(fx.env.caPath);
});

afterAll(async () => {
  await fx?.close();
  const summary = Object.entries(figures)
    .map(([run, f]) => `${run}: ${f.connections} connections, ${f.failed} failed, ${f.retried} retried, ${f.getSecretValueCalls} GetSecretValue`)
    .join("; ");
  process.stderr.write(`[client-rotation] ${ROTATIONS} back-to-back rotations, ${CLIENTS} clients — ${summary}\n`);
  const report = process.env.CLIENT_ROTATION_REPORT;
  if (report) {
    writeFileSync(report, `${JSON.stringify({ rotations: ROTATIONS, clients: CLIENTS, runs: figures }, null, 2)}\n`);
  }
});

/** Opens a verified-TLS connection with the credentials, runs SELECT 1 and closes it. */
async function openAndClose(server: ServerInfo, credentials: DatabaseCredentials): Promise<void> {
  if (server.kind === "mariadb") {
    const connection = await createConnection({ ...mysqlConnectionOptions(credentials, { ca }), connectTimeout: 3000 });
    try {
      await connection.query("SELECT 1");
    } finally {
      await connection.end();
    }
    return;
  }
  const client = new Client({ ...pgClientConfig(credentials, { ca }), connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT 1");
  } finally {
    await client.end();
  }
}

/** A service: its own cache and SDK client (caller `client-<n>`), connecting in a loop. */
class ServiceClient {
  readonly attempts: Attempt[] = [];
  private readonly cache: SecretCache;

  constructor(
    readonly index: number,
    private readonly secret: SeededSecret,
    private readonly secretName: string,
  ) {
    this.cache = new SecretCache({ client: fx.fake.client(`client-${index}`) });
  }

  async connectOnce(): Promise<Attempt> {
    const start = performance.now();
    let connects = 0;
    let error: unknown;
    try {
      await connectWithSecret(this.cache, this.secretName, async (credentials) => {
        connects += 1;
        await openAndClose(this.secret.server, credentials);
      });
    } catch (caught) {
      error = caught;
    }
    const attempt: Attempt = { client: this.index, start, end: performance.now(), connects, error };
    this.attempts.push(attempt);
    return attempt;
  }

  /** Connects until `stop()` returns true, then TAIL_CONNECTIONS more times. */
  async run(stop: () => boolean): Promise<Attempt[]> {
    while (!stop()) await this.connectOnce();
    const tail: Attempt[] = [];
    for (let n = 0; n < TAIL_CONNECTIONS; n += 1) tail.push(await this.connectOnce());
    return tail;
  }

  get cacheForEvents(): SecretCache {
    return this.cache;
  }
}

async function runRotationsUnderLoad(engine: Engine, strategy: RotationStrategy) {
  const secret = fx.seedDatabaseSecret({ engine, privileges: ["SELECT"] });
  const rotate = fx.rotationFunction(strategy);
  await fx.driver.rotate(secret.arn, rotate); // bootstrap: creates the user and its first password
  const secretName = `app/${secret.username}`;
  fx.fake.resetCalls();

  const clients = Array.from({ length: CLIENTS }, (_, n) => new ServiceClient(n, secret, secretName));
  await Promise.all(clients.map((client) => client.connectOnce())); // warm caches before rotating
  let rotating = true;
  const loops = clients.map((client) => client.run(() => !rotating));

  const windows: Window[] = [];
  try {
    for (let rotation = 0; rotation < ROTATIONS; rotation += 1) {
      let start = 0;
      await fx.driver.rotate(secret.arn, rotate, {
        beforeStep: (step) => {
          if (step === "setSecret") start = performance.now();
        },
        afterStep: (step) => {
          if (step === "finishSecret") windows.push({ start, end: performance.now() });
        },
      });
    }
  } finally {
    rotating = false;
  }
  const tails = await Promise.all(loops);

  const attempts = clients.flatMap((client) => client.attempts);
  const failures = attempts.filter((attempt) => attempt.error !== undefined);
  const run: RunFigures = {
    connections: attempts.length,
    failed: failures.length,
    retried: attempts.filter((attempt) => attempt.connects === 2).length,
    getSecretValueCalls: fx.fake.calls.filter((c) => c.operation === "GetSecretValue" && c.caller.startsWith("client-")).length,
  };
  figures[`${engine} ${strategy}`] = run;
  return { run, failures, windows, tails, clients, secret };
}

const overlaps = (attempt: Attempt, window: Window) => attempt.start <= window.end && attempt.end >= window.start;

describe.each(["mariadb", "postgres"] as const)("%s clients during back-to-back rotations", (engine) => {
  it("alternating users: no connection fails", async () => {
    const { run, failures, tails } = await runRotationsUnderLoad(engine, "alternating-users");

    expect(failures.map((f) => String(f.error))).toEqual([]);
    // Rotations were felt: users whose password changed were replaced after one retry.
    expect(run.retried).toBeGreaterThan(0);
    expect(tails.flat().every((attempt) => attempt.error === undefined)).toBe(true);
  }, 20_000);

  it("single user: failures only during a rotation, and the first connection after it succeeds", async () => {
    const { run, failures, windows, tails } = await runRotationsUnderLoad(engine, "single-user");

    expect(windows).toHaveLength(ROTATIONS);
    for (const failure of failures) {
      expect(isAuthenticationError(failure.error)).toBe(true);
      expect(windows.some((window) => overlaps(failure, window))).toBe(true);
    }
    // After the last rotation each client's first connection succeeds, at most one retry.
    for (const [first] of tails) {
      expect(first.error).toBeUndefined();
      expect(first.connects).toBeLessThanOrEqual(2);
    }
    expect(run.retried).toBeGreaterThan(0);
  }, 20_000);

  it("a RotationSucceeded event makes the next connection use the new password at once", async () => {
    const secret = fx.seedDatabaseSecret({ engine, privileges: ["SELECT"] });
    const rotate = fx.rotationFunction("single-user");
    await fx.driver.rotate(secret.arn, rotate);
    const client = new ServiceClient(99, secret, `app/${secret.username}`);
    expect((await client.connectOnce()).connects).toBe(1);
    await fx.driver.rotate(secret.arn, rotate);

    const event = {
      source: "aws.secretsmanager",
      "detail-type": "AWS Service Event via CloudTrail",
      resources: [],
      detail: { eventName: "RotationSucceeded", additionalEventData: { SecretId: secret.arn } },
    };
    expect(handleRotationEvent(client.cacheForEvents, { body: JSON.stringify(event) })).toEqual({
      action: "invalidated",
      secretId: secret.arn,
      entriesDropped: 1,
    });
    const next = await client.connectOnce();
    expect(next.error).toBeUndefined();
    expect(next.connects).toBe(1);
  }, 20_000);
});
