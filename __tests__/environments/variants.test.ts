import { parse } from "@cdktf/hcl2json";
import { synthEnvironments } from "../support/synth";
import { terraformBinary, terraformFmtCheck } from "../support/terraform-binary";
import { VARIANTS } from "../support/variants";

/**
 * The choices dev and prod do not make (__tests__/support/variants.ts) each synthesize to
 * HCL that HashiCorp's parser reads, with the resources the choice implies, and a review page.
 */
test.each(VARIANTS.map((v) => ({ ...v, name: v.description })))("$name", async ({ env, expectedTypes }) => {
  const { hcl, reviews } = await synthEnvironments([env], true);
  const parsed = (await parse(`${env.name}.tf`, hcl[env.name])) as { resource: Record<string, Record<string, unknown>> };
  for (const type of expectedTypes) expect(Object.keys(parsed.resource)).toContain(type);
  if (env.network.kind === "existing") {
    expect(parsed.resource).not.toHaveProperty("aws_vpc");
  }
  if (env.databaseUsers.length > 1) {
    // One rotation function per strategy in use.
    expect(Object.keys(parsed.resource.aws_lambda_function)).toHaveLength(2);
  }
  expect(reviews[env.name]).toMatch(new RegExp(`^# Review: ${env.name}\n`));
}, 30_000);

(terraformBinary ? test : test.skip)("their HCL is what `terraform fmt` leaves (where a terraform binary is installed)", async () => {
  const files: Record<string, string> = {};
  for (const { env } of VARIANTS) files[env.name] = (await synthEnvironments([env], true)).hcl[env.name];
  expect(() => terraformFmtCheck(files)).not.toThrow();
}, 30_000);
