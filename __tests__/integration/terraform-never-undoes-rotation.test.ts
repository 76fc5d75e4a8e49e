/**
 * After any number of rotations, a Terraform plan of the synthesized configuration must
 * not change, recreate or roll back the database secret's value or labels.
 *
 * The seed version of dev's application secret is applied to the Secrets Manager
 * stand-in exactly as the synthesized JSON declares it (its staging labels), then the
 * real rotation function rotates it against MariaDB. After each rotation the provider's
 * refresh-and-plan of `aws_secretsmanager_secret_version` is evaluated on the remote
 * state: the version the state tracks must still exist with a label (a version left
 * with none is deprecated, and Secrets Manager deletes it, after which the provider
 * plans to create it again and put AWSCURRENT back on the password-less seed), and every
 * attribute that differs from the configuration must be in `ignore_changes`.
 *
 * The same run shows that the naive resource (no custom label, no ignore_changes) is
 * planned for re-creation after two rotations, which is the failure this design prevents.
 */
import { dev } from "../../environments/dev";
import { SEED_STAGE } from "../../shared/secret-contract";
import type { VersionView } from "../support/fake-secrets-manager";
import { RotationFixture } from "../support/rotation-fixture";
import { resourcesOf, synthEnvironments } from "../support/synth";

interface SecretVersionConfig {
  version_stages?: string[];
  lifecycle?: { ignore_changes?: string[] };
}

type PlannedAction = "no-op" | "create" | `update ${string}`;

/**
 * The plan of one `aws_secretsmanager_secret_version` whose state holds `state`, given the
 * versions that now exist: how the provider refreshes (the version by id; one with no
 * label counts as gone) and diffs (configured attributes, minus ignore_changes).
 */
function plan(config: SecretVersionConfig, state: VersionView, remote: readonly VersionView[]): PlannedAction {
  const current = remote.find((v) => v.versionId === state.versionId);
  if (!current || current.stages.length === 0) return "create";
  const ignored = new Set(config.lifecycle?.ignore_changes ?? []);
  const drift: string[] = [];
  if (!ignored.has("secret_string") && current.secretString !== state.secretString) drift.push("secret_string");
  const configuredStages = config.version_stages;
  if (
    !ignored.has("version_stages") &&
    configuredStages !== undefined &&
    [...current.stages].sort().join() !== [...configuredStages].sort().join()
  ) {
    drift.push("version_stages");
  }
  return drift.length === 0 ? "no-op" : `update ${drift.join(", ")}`;
}

let fixture: RotationFixture;
let seedConfig: SecretVersionConfig;

beforeAll(async () => {
  const { stacks } = await synthEnvironments([dev]);
  const seeds = resourcesOf(stacks.dev, "aws_secretsmanager_secret_version");
  expect(seeds).toHaveLength(1);
  seedConfig = seeds[0][1] as SecretVersionConfig;
  fixture = await RotationFixture.create();
}, 60_000);

afterAll(() => fixture?.close());

test.each(["alternating-users", "single-user"] as const)(
  "%s: the plan stays empty through five rotations; a naive seed would be re-created",
  async (strategy) => {
    // terraform apply: the secret and its seed version, labelled as the configuration says.
    const { arn, seedValue: seedJson } = fixture.seedDatabaseSecret({
      engine: "mariadb",
      privileges: ["SELECT"],
      omit: ["dbInstanceIdentifier"],
      stages: seedConfig.version_stages,
    });
    const state = fixture.fake.versions(arn)[0];
    expect(state.stages).toEqual(["AWSCURRENT", SEED_STAGE]);

    const naive: SecretVersionConfig = {};
    const naivePlans: PlannedAction[] = [];
    const fn = fixture.rotationFunction(strategy);
    for (let rotation = 1; rotation <= 5; rotation++) {
      await fixture.driver.rotate(arn, fn);
      const remote = fixture.fake.versions(arn);
      expect({ rotation, plan: plan(seedConfig, state, remote) }).toEqual({ rotation, plan: "no-op" });
      // The seed is still there, unchanged, and no longer current.
      const seed = remote.find((v) => v.versionId === state.versionId)!;
      expect(seed.secretString).toBe(seedJson);
      expect([...seed.stages].sort()).toEqual(rotation === 1 ? ["AWSPREVIOUS", SEED_STAGE] : [SEED_STAGE]);
      naivePlans.push(plan(naive, { ...state, stages: ["AWSCURRENT"] }, naiveRemote(remote, state.versionId)));
    }
    // The naive version lost AWSCURRENT at rotation 1 and AWSPREVIOUS at rotation 2.
    expect(naivePlans).toEqual(["no-op", "create", "create", "create", "create"]);
    // AWSCURRENT logs in after all of it.
    expect(await fixture.canLogIn(fixture.env.mariadb, fixture.credentials(arn))).toBe(true);
  },
  60_000,
);

/** The same history for a seed that had only AWS's labels: drop our custom label. */
function naiveRemote(remote: readonly VersionView[], seedVersionId: string): VersionView[] {
  return remote.map((v) => (v.versionId === seedVersionId ? { ...v, stages: v.stages.filter((s) => s !== SEED_STAGE) } : v));
}
