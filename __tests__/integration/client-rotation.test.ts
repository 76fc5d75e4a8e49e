/**
 * The application library against real servers while the rotation function rotates a
 * secret back to back: several clients, each a separate service with its own
 * SecretCache (default TTL), open connections in a loop through connectWithSecret.
 *
 * - alternating users: no connection fails (the previous user stays valid for a whole
 *   rotation, and an authentication failure fetches the current one);
 * - single user: a connection fails only if it overlaps a rotation's lockout window (see
 *   LockoutWindows: from the function's request to change the password to the end of
 *   finishSecret), and failures end at the first retry after each rotation: of the
 *   connections that overlap no window, every one succeeds, and after a rotation only the
 *   first may need its retry.
 *
 * Each service connects one connection at a time, so "the first connection after a
 * rotation" is well defined; concurrent callers of one cache are unit-tested.
 *
 * Back-to-back rotations stand for rotations hours apart, so the caches run on a clock
 * that stands still during a rotation and moves on by one forced-refresh interval at the
 * end of each: as in real time, a service may force one refresh per rotation, and its
 * refresh throttle (unit-tested on its own) neither hides nor delays a rotation here.
 *
 * The figures are printed in one summary line and, when CLIENT_ROTATION_REPORT names a
 * file, written there as JSON (for the README).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "mysql2/promise";
import { Client } from "pg";
import {
  DEFAULT_FORCE_REFRESH_INTERVAL_MS,
  type DatabaseCredentials,
  SecretCache,
  connectWithSecret,
  handleRotationEvent,
  loginFailureOf,
  mysqlConnectionOptions,
  pgClientConfig,
} from "../../client";
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import type { ServerInfo } from "../support/db-servers";
import { LockoutWindows, type Interval } from "../support/lockout-windows";
import { RotationFixture, type SeededSecret } from "../support/rotation-fixture";
import { NAME_MISMATCH_CODE, withHostAlias } from "../support/tls-checks";
import { TlsProbe } from "../support/tls-probe";

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
  /** When the first call of the connect callback failed; absent if it succeeded. */
  readonly firstFailedAt?: number;
  readonly error?: unknown;
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
    now?: () => number,
  ) {
    this.cache = new SecretCache({ client: fx.fake.client(`client-${index}`), now });
  }

  async connectOnce(): Promise<Attempt> {
    const start = performance.now();
    let connects = 0;
    let firstFailedAt: number | undefined;
    let error: unknown;
    try {
      await connectWithSecret(this.cache, this.secretName, async (credentials) => {
        connects += 1;
        await openAndClose(this.secret.server, credentials).catch((failure: unknown) => {
          if (connects === 1) firstFailedAt = performance.now();
          throw failure;
        });
      });
    } catch (caught) {
      error = caught;
    }
    const attempt: Attempt = { client: this.index, start, end: performance.now(), connects, firstFailedAt, error };
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
  const lockouts = new LockoutWindows();
  const secret = fx.seedDatabaseSecret({ engine, privileges: ["SELECT"] });
  const rotate = fx.rotationFunction(strategy, { engines: lockouts.engines });
  await fx.driver.rotate(secret.arn, rotate); // bootstrap: creates the user and its first password
  const secretName = `app/${secret.username}`;
  fx.fake.resetCalls();

  // The caches' clock: one forced-refresh interval per completed rotation (see above).
  let rotationsDone = 0;
  const rotationClock = () => 1 + rotationsDone * DEFAULT_FORCE_REFRESH_INTERVAL_MS;
  const clients = Array.from({ length: CLIENTS }, (_, n) => new ServiceClient(n, secret, secretName, rotationClock));
  await Promise.all(clients.map((client) => client.connectOnce())); // warm caches before rotating
  let rotating = true;
  const loops = clients.map((client) => client.run(() => !rotating));

  try {
    for (let rotation = 0; rotation < ROTATIONS; rotation += 1) {
      await fx.driver.rotate(secret.arn, rotate, {
        afterStep: (step) => {
          // The clock moves on before the window closes: a login that fails after the
          // window may force its refresh.
          if (step === "finishSecret") rotationsDone += 1;
          lockouts.afterStep(step);
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
  return { run, failures, windows: lockouts.windows, tails, clients, secret };
}

const overlaps = (attempt: Attempt, window: Interval) => attempt.start <= window.end && attempt.end >= window.start;

/**
 * Checks, for each rotation, that failures end at the first retry after it. Per client,
 * among the attempts that end before the next rotation's window starts:
 * - each one whose first login failed after the rotation ended retried, and succeeded
 *   (its refresh read the new AWSCURRENT);
 * - of those that started after the rotation ended, all succeeded and only the first may
 *   have retried.
 * Before the first rotation nothing retries.
 * @returns how many attempts the first rule applied to
 */
function expectFailuresEndAtFirstRetry(attempts: readonly Attempt[], windows: readonly Interval[]): number {
  const before = attempts.filter((attempt) => attempt.end < windows[0].start);
  expect(before.map((attempt) => attempt.connects)).toEqual(before.map(() => 1));
  let checked = 0;
  windows.forEach((window, n) => {
    const nextStart = windows[n + 1]?.start ?? Infinity;
    const untilNext = attempts.filter((attempt) => attempt.end < nextStart);
    const failedAfter = untilNext.filter((attempt) => (attempt.firstFailedAt ?? 0) > window.end);
    expect(failedAfter.map((a) => [a.connects, a.error])).toEqual(failedAfter.map(() => [2, undefined]));
    checked += failedAfter.length;
    const startedAfter = untilNext.filter((attempt) => attempt.start > window.end);
    expect(startedAfter.map((a) => a.error)).toEqual(startedAfter.map(() => undefined));
    expect(startedAfter.slice(1).map((a) => a.connects)).toEqual(startedAfter.slice(1).map(() => 1));
  });
  return checked;
}

/** Every retry needs a newer AWSCURRENT than the one the client had: at most one per rotation. */
function expectAtMostOneRetryPerRotation(clients: readonly ServiceClient[]): void {
  for (const client of clients) {
    expect(client.attempts.filter((attempt) => attempt.connects === 2).length).toBeLessThanOrEqual(ROTATIONS);
  }
}

describe.each(["mariadb", "postgres"] as const)("%s clients during back-to-back rotations", (engine) => {
  it("alternating users: no connection fails", async () => {
    const { run, failures, tails, clients } = await runRotationsUnderLoad(engine, "alternating-users");

    expect(failures.map((f) => String(f.error))).toEqual([]);
    // Rotations were felt: users whose password changed were replaced after one retry.
    expect(run.retried).toBeGreaterThan(0);
    expectAtMostOneRetryPerRotation(clients);
    expect(tails.flat().every((attempt) => attempt.error === undefined)).toBe(true);
  }, 20_000);

  it("single user: a connection fails only during a rotation, and failures end at the first retry after each rotation", async () => {
    const { run, failures, windows, clients } = await runRotationsUnderLoad(engine, "single-user");

    expect(windows).toHaveLength(ROTATIONS);
    expect(windows.every((window) => window.start > 0 && window.start < window.end)).toBe(true);
    for (const failure of failures) {
      expect(loginFailureOf(failure.error)).toBe("password-rejected");
      expect(windows.some((window) => overlaps(failure, window))).toBe(true);
    }
    const checked = clients.map((client) => expectFailuresEndAtFirstRetry(client.attempts, windows));
    process.stderr.write(`[client-rotation] ${engine} single-user: ${checked.join("+")} attempts failed after a rotation, each saved by its retry\n`);
    expectAtMostOneRetryPerRotation(clients);
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

  describe("the driver configurations verify the server's name, not only its CA", () => {
    const probes: TlsProbe[] = [];
    afterEach(async () => {
      await Promise.all(probes.splice(0).map((probe) => probe.close()));
    });

    /** What the drivers throw for a certificate that does not name `host`. */
    const nameMismatch = (host: string) => ({ code: NAME_MISMATCH_CODE[fx.server(engine).kind], host, cert: expect.any(Object) });

    /** The admin user's credentials, with the host and port a client is given. */
    function adminAt(host: string, port: number): DatabaseCredentials {
      const server = fx.server(engine);
      return { username: server.admin.username, password: server.admin.password, host, port, dbname: server.database };
    }

    it("connects when the certificate names the host (127.0.0.1 and localhost)", async () => {
      const server = fx.server(engine);
      await expect(openAndClose(server, adminAt("127.0.0.1", server.port))).resolves.toBeUndefined();
      await expect(openAndClose(server, adminAt("localhost", server.port))).resolves.toBeUndefined();
    });

    it("refuses a certificate that does not name the host name", async () => {
      // The certificate names only 127.0.0.1 and localhost.
      const server = fx.server(engine);
      const refused = withHostAlias("db.rotation.test", server.host, () =>
        openAndClose(server, adminAt("db.rotation.test", server.port)),
      );
      await expect(refused).rejects.toMatchObject(nameMismatch("db.rotation.test"));
    });

    it("refuses a certificate that does not name the IP address", async () => {
      // A relay on 127.0.0.2, which the certificate does not name, in front of the server.
      const server = fx.server(engine);
      const probe = await TlsProbe.start(server.kind, server, "127.0.0.2");
      probes.push(probe);
      await expect(openAndClose(server, adminAt("127.0.0.2", probe.port))).rejects.toMatchObject(nameMismatch("127.0.0.2"));
      expect(probe.connections.map((c) => c.tlsRequested)).toEqual([true]);
    });
  });
});
