/**
 * The rotation function against real servers, from the Terraform seed (no password) to
 * the first rotation that creates the application user, then three more rotations:
 * every engine name × both strategies.
 */
import { SEED_STAGE, type Engine, type RotationStrategy } from "../../shared/secret-contract";
import type { DatabaseCredentials } from "../support/db-servers";
import { RotationFixture, type PrivilegeProbe } from "../support/rotation-fixture";

let fx: RotationFixture;
beforeAll(async () => {
  fx = await RotationFixture.create();
});
afterAll(() => fx.close());

/** Granted ["SELECT", "INSERT"]: those work, UPDATE, DELETE and CREATE TABLE do not. */
const EXPECTED_PRIVILEGES: PrivilegeProbe = { SELECT: true, INSERT: true, UPDATE: false, DELETE: false, CREATE: false };

const CASES: readonly [Engine, RotationStrategy][] = [
  ["mariadb", "single-user"],
  ["mariadb", "alternating-users"],
  ["mysql", "single-user"],
  ["mysql", "alternating-users"],
  ["aurora-mysql", "alternating-users"],
  ["postgres", "single-user"],
  ["postgres", "alternating-users"],
  ["aurora-postgresql", "single-user"],
];

describe.each(CASES)("%s, %s", (engine, strategy) => {
  it("bootstraps the user from the seed, then rotates three times", async () => {
    const secret = fx.seedDatabaseSecret({ engine, privileges: ["SELECT", "INSERT"] });
    const rotate = fx.rotationFunction(strategy);
    const { server } = secret;
    const passwords: string[] = [];

    // First rotation: the seed has no password; the user is created with the master secret.
    expect(await fx.databaseState(server, [secret.username])).toMatchObject({ [server.kind === "mariadb" ? "users" : "roles"]: [] });
    const first = await fx.driver.rotate(secret.arn, rotate);
    const current = fx.value(secret.arn);
    expect(current).toEqual({ ...JSON.parse(secret.seedValue), password: expect.any(String) });
    expect(current.password).toHaveLength(32);
    passwords.push(current.password as string);
    expect(fx.fake.stages(secret.arn)).toEqual({
      [secret.seedVersionId]: ["AWSPREVIOUS", SEED_STAGE],
      [first.token]: currentStages(fx.fake.stages(secret.arn)[first.token]),
    });
    expect(fx.fake.versions(secret.arn).find((v) => v.versionId === secret.seedVersionId)?.secretString).toBe(secret.seedValue);
    expect(await fx.canLogIn(server, fx.credentials(secret.arn))).toBe(true);
    expect(await fx.probePrivileges(server, fx.credentials(secret.arn))).toEqual(EXPECTED_PRIVILEGES);

    let previous: DatabaseCredentials = fx.credentials(secret.arn);
    for (let rotation = 2; rotation <= 4; rotation++) {
      const before = fx.credentials(secret.arn);
      await fx.driver.rotate(secret.arn, rotate);
      const now = fx.credentials(secret.arn);
      passwords.push(now.password);
      expect(now.password).not.toBe(before.password);
      expect(fx.credentials(secret.arn, "AWSPREVIOUS")).toEqual(before);
      expect(await fx.canLogIn(server, now)).toBe(true);

      if (strategy === "single-user") {
        expect(now.username).toBe(secret.username);
        expect(await fx.canLogIn(server, before)).toBe(false);
      } else {
        // Users alternate; the previous user keeps working until the rotation after next.
        expect(now.username).toBe(rotation % 2 === 0 ? `${secret.username}_clone` : secret.username);
        expect(await fx.canLogIn(server, before)).toBe(true);
        if (rotation > 2) expect(await fx.canLogIn(server, previous)).toBe(false);
        expect(await fx.probePrivileges(server, now)).toEqual(EXPECTED_PRIVILEGES);
      }
      previous = before;
    }

    // Every rotation generated a different password; the seed version is intact and labelled.
    expect(new Set(passwords).size).toBe(4);
    const stages = fx.fake.stages(secret.arn);
    expect(stages[secret.seedVersionId]).toEqual([SEED_STAGE]);
    expect(Object.values(stages).filter((s) => s.includes("AWSCURRENT"))).toHaveLength(1);
    expect(fx.fake.versions(secret.arn).find((v) => v.versionId === secret.seedVersionId)?.secretString).toBe(secret.seedValue);
    for (const password of passwords) expect(fx.logText()).not.toContain(password);
  });
});

/** The rotated-in version holds AWSCURRENT, and AWSPENDING too if the function leaves it there. */
function currentStages(actual: readonly string[] | undefined): string[] {
  return actual?.includes("AWSPENDING") ? ["AWSCURRENT", "AWSPENDING"] : ["AWSCURRENT"];
}
