/**
 * A client that keeps logging in with AWSCURRENT while rotations run back to back. It
 * caches the credentials and reads AWSCURRENT again only when a login fails; a login
 * is lost when it also fails with the credentials just read.
 *  - alternating users: no login is lost;
 *  - single user: lost logins can only happen while a rotation is between the end of
 *    setSecret and the end of finishSecret; their number is printed.
 */
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { performance } from "node:perf_hooks";
import type { Engine, RotationStrategy } from "../../shared/secret-contract";
import type { DatabaseCredentials } from "../support/db-servers";
import { RotationFixture } from "../support/rotation-fixture";

const ROTATIONS = 8;

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

interface Interval {
  start: number;
  end: number;
}

describe.each<[Engine, RotationStrategy]>([
  ["mariadb", "single-user"],
  ["mariadb", "alternating-users"],
  ["postgres", "single-user"],
  ["postgres", "alternating-users"],
])("%s, %s", (engine, strategy) => {
  it(`a client logging in throughout ${ROTATIONS} back-to-back rotations`, async () => {
    const secret = fx.seedDatabaseSecret({ engine });
    const rotate = fx.rotationFunction(strategy);
    await fx.driver.rotate(secret.arn, rotate);

    const sm = fx.fake.client("application");
    const read = async (): Promise<DatabaseCredentials> =>
      JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: secret.arn }))).SecretString as string) as DatabaseCredentials;
    const stats = { logins: 0, rereads: 0, lost: [] as Interval[] };
    let running = true;
    const client = (async () => {
      let credentials = await read();
      while (running) {
        const start = performance.now();
        if (await fx.canLogIn(secret.server, credentials)) {
          stats.logins++;
          continue;
        }
        stats.rereads++;
        credentials = await read();
        if (await fx.canLogIn(secret.server, credentials)) stats.logins++;
        else stats.lost.push({ start, end: performance.now() });
      }
    })();

    /** From the end of setSecret to the end of finishSecret of each rotation. */
    const windows: Interval[] = [];
    try {
      for (let i = 0; i < ROTATIONS; i++) {
        await fx.driver.rotate(secret.arn, rotate, {
          afterStep: (step) => {
            if (step === "setSecret") windows.push({ start: performance.now(), end: Infinity });
            if (step === "finishSecret") windows[windows.length - 1].end = performance.now();
          },
        });
      }
    } finally {
      running = false;
      await client;
      sm.destroy();
    }

    const windowMs = windows.map((w) => w.end - w.start);
    process.stderr.write(
      `[figures] concurrent client, ${engine}, ${strategy}: ${stats.logins} logins, ${stats.rereads} re-reads after a failed login, ` +
        `${stats.lost.length} lost; setSecret→finishSecret window ${Math.min(...windowMs).toFixed(1)}–${Math.max(...windowMs).toFixed(1)} ms\n`,
    );
    // The client ran during the rotations: it logged in, and its cached password went stale at least once.
    expect(stats.logins).toBeGreaterThan(0);
    expect(stats.rereads).toBeGreaterThan(0);
    if (strategy === "alternating-users") {
      expect(stats.lost).toEqual([]);
    } else {
      const outsideWindows = stats.lost.filter((lost) => !windows.some((w) => lost.start <= w.end && lost.end >= w.start));
      expect(outsideWindows).toEqual([]);
    }
  });
});
