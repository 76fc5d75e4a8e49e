import { readFileSync } from "node:fs";
import * as path from "node:path";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import { synthEnvironments } from "../support/synth";

/**
 * The synthesized `cdk.tf.json` of dev and prod, byte for byte, against the committed
 * files in `expected/`: a refactoring of the configuration or the constructs must not
 * change a resource. A missing or different file fails the test; nothing here writes one.
 *
 * After an intended change of the output, regenerate both files and review their diff:
 *
 *     npm run synth && for env in dev prod; do
 *       cp cdktf.out/stacks/$env/cdk.tf.json __tests__/environments/expected/$env.cdk.tf.json; done
 */
const EXPECTED = path.join(__dirname, "expected");

test.each([dev, prod].map((env) => env.name))("%s synthesizes exactly the committed cdk.tf.json", async (name) => {
  const { outdir } = await synthEnvironments([dev, prod]);
  const actual = readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
  const expected = readFileSync(path.join(EXPECTED, `${name}.cdk.tf.json`), "utf8");
  expect(actual).toBe(expected);
});
