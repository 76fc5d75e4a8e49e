/**
 * A client that keeps logging in with AWSCURRENT while rotations run one after another. It
 * caches the credentials and reads AWSCURRENT again only when a login fails; a login
 * is lost when it also fails with the credentials just read.
 *
 * The next rotation starts once the client has gone through one attempt begun after the
 * last rotation ended. Secrets Manager rotates a secret at most every 4 hours, so no client
 * attempt spans two rotations; back to back, on a loaded machine, one stalled between its
 * read and its login could (an alternating user's password changes again two rotations
 * later), which would be a fault of the test, not of the rotation.
 *  - alternating users: no login is lost;
 *  - single user: lost logins can only happen inside a rotation's lockout window, from
 *    the function's request to change the password to the end of finishSecret (see
 *    LockoutWindows); their number and the windows' lengths are printed.
 *
 * The window starts when the function sends the password change, not when setSecret
 * returns: the database applies the change before setSecret has closed its session, and
 * on a loaded machine logins failed up to 150 ms before the end of setSecret.
 */
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { performance } from "node:perf_hooks";
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import type { DatabaseCredentials } from "../support/db-servers";
import { LockoutWindows, type Interval } from "../support/lockout-windows";
import { RotationFixture } from "../support/rotation-fixture";

const ROTATIONS = 8;

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

describe.each<[Engine, RotationStrategy]>([
  ["mariadb", "single-user"],
  ["mariadb", "alternating-users"],
  ["postgres", "single-user"],
  ["postgres", "alternating-users"],
])("%s, %s", (engine, strategy) => {
  it(`a client logging in throughout ${ROTATIONS} rotations in a row`, async () => {
    const lockouts = new LockoutWindows();
    const secret = fx.seedDatabaseSecret({ engine });
    const rotate = fx.rotationFunction(strategy, { engines: lockouts.engines });
    await fx.driver.rotate(secret.arn, rotate);

    const sm = fx.fake.client("application");
    const read = async (): Promise<DatabaseCredentials> =>
      JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: secret.arn }))).SecretString as string) as DatabaseCredentials;
    const stats = { logins: 0, rereads: 0, lost: [] as Interval[] };
    let running = true;
    /** When the client's last completed attempt began. */
    let lastAttemptStart = -Infinity;
    let clientStopped = false;
    const client = (async () => {
      let credentials = await read();
      while (running) {
        const start = performance.now();
        if (await fx.canLogIn(secret.server, credentials)) {
          stats.logins++;
        } else {
          stats.rereads++;
          credentials = await read();
          if (await fx.canLogIn(secret.server, credentials)) stats.logins++;
          else stats.lost.push({ start, end: performance.now() });
        }
        lastAttemptStart = start;
      }
    })().finally(() => {
      clientStopped = true;
    });
    /** Resolves once the client has completed an attempt that began after `since` (or has stopped). */
    const clientAttemptAfter = async (since: number): Promise<void> => {
      while (lastAttemptStart < since && !clientStopped) await new Promise((resolve) => setTimeout(resolve, 1));
    };

    try {
      for (let i = 0; i < ROTATIONS; i++) {
        await fx.driver.rotate(secret.arn, rotate, { afterStep: lockouts.afterStep });
        await clientAttemptAfter(performance.now());
      }
    } finally {
      running = false;
      await client;
      sm.destroy();
    }

    const { windows } = lockouts;
    const windowMs = windows.map((w) => w.end - w.start).sort((a, b) => a - b);
    process.stderr.write(
      `[figures] concurrent client, ${engine}, ${strategy}: ${stats.logins} logins, ${stats.rereads} re-reads after a failed login, ` +
        `${stats.lost.length} lost` +
        (windows.length === 0
          ? "; no lockout window\n"
          : `; lockout window ${windowMs[0].toFixed(1)}–${windowMs[windowMs.length - 1].toFixed(1)} ms, ` +
            `median ${windowMs[Math.floor(windowMs.length / 2)].toFixed(1)} ms\n`),
    );
    // The client ran during the rotations: it logged in, and its cached password went stale at least once.
    expect(stats.logins).toBeGreaterThan(0);
    expect(stats.rereads).toBeGreaterThan(0);
    if (strategy === "alternating-users") {
      expect(windows).toEqual([]);
      expect(stats.lost).toEqual([]);
    } else {
      expect(windows).toHaveLength(ROTATIONS);
      const outsideWindows = stats.lost.filter((lost) => !windows.some((w) => lost.start <= w.end && lost.end >= w.start));
      expect(outsideWindows).toEqual([]);
    }
  }, 30_000); // a loaded 2-core machine runs this several times slower than an idle one
});
