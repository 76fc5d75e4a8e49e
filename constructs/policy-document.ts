/**
 * IAM policy documents as plain typed objects, so constructs can hand statements to each
 * other (e.g. a key's "decrypt through Secrets Manager" grant) and render them once.
 */

/** A principal element: `"*"`, or AWS principals (ARNs) and/or service principals. */
export type PolicyPrincipal =
  | "*"
  | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

/** Condition operator → condition key → value(s), e.g. `{ StringEquals: { "aws:SourceAccount": id } }`. */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One statement of an IAM identity, resource or key policy. */
export interface PolicyStatement {
  /** Statement ID: letters and digits. */
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  /** Only in resource-based policies (key policies, trust policies, endpoint policies). */
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyConditions;
}

/**
 * The policy document as JSON text. Values may contain string tokens (ARNs, account IDs):
 * cdktf resolves each into a Terraform interpolation inside the string, so Terraform
 * evaluates the text to plain JSON. Statements must not contain list or number tokens, nor
 * IAM policy variables (`${aws:username}`), which Terraform would read as interpolations.
 */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  // Indented, hence several lines: cdktf renders a multi-line string as an HCL heredoc,
  // where quotes need no escaping. Its HCL renderer leaves quotes unescaped in a one-line
  // string that holds a reference, which `cdktf synth --hcl` would turn into invalid HCL.
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}
