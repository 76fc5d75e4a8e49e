import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import type { PolicyStatement } from "../../constructs/policy-document";

/** Attributes of one synthesized resource or data source (snake_case keys). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Attributes = Record<string, any>;

/** The parsed JSON of a synthesized stack. */
export interface SynthesizedStack {
  resource?: Record<string, Record<string, Attributes>>;
  data?: Record<string, Record<string, Attributes>>;
}

/** A stack with an AWS provider, to put the construct under test in. */
export function testStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/**
 * A synthesized stack: `synthesized` is the JSON string cdktf's jest matchers take (not the parsed
 * object), `json` its parse for what they cannot express (policy documents, counts, exact equality).
 *
 * How the matchers match (cdktf 0.21, `Testing.setupJest()`): `toHaveResourceWithProperties(Class, props)`
 * passes if ANY resource of `Class.tfResourceType` contains `props` (`expect.objectContaining`), each value
 * compared with jest's `equals`: nested objects and arrays must match EXACTLY (arrays in order) unless
 * wrapped in `expect.objectContaining` / `expect.arrayContaining`. Keys are the JSON's snake_case: a
 * camelCase key never matches, so a `.not` assertion with one passes vacuously, as does one on a resource
 * type that is absent. An absent key does not match `undefined`: assert absence with
 * `.not.toHaveResourceWithProperties(Class, { key: expect.anything() })`.
 */
export interface Synthesized {
  synthesized: string;
  json: SynthesizedStack;
}

export function synthesize(stack: TerraformStack): Synthesized {
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as SynthesizedStack };
}

/** Every resource of `type`, in the order of their logical names (as synthesized). */
export function resources(json: SynthesizedStack, type: string): Attributes[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The single resource of `type`; fails if there is not exactly one. */
export function onlyResource(json: SynthesizedStack, type: string): Attributes {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** The statements of a policy document attribute. */
export function statementsOf(policy: string): PolicyStatement[] {
  return (JSON.parse(policy) as { Statement: PolicyStatement[] }).Statement;
}

/** The Terraform reference `${<type>.<name>.<attribute>}` to the `index`-th resource of `type` (see {@link resources}). */
export function referenceTo(json: SynthesizedStack, type: string, index: number, attribute: string): string {
  const name = Object.keys(json.resource?.[type] ?? {})[index];
  expect(name).toBeDefined();
  return `\${${type}.${name}.${attribute}}`;
}
