/**
 * Evaluates the two kinds of Terraform expressions cdktf writes into the synthesized
 * JSON, with the values of references supplied by the test: what Terraform would do at
 * apply time. So a test reads an attribute as the deployed resource will hold it.
 *
 * - `"text ${aws_x.name.attr} text"`: a string with interpolated references
 *   ({@link interpolate});
 * - `"${jsonencode({"k" = "v", "n" = 1, "r" = aws_x.name.attr})}"`: an object whose values
 *   may be references ({@link evaluateJsonencode}), as `Fn.jsonencode` renders it.
 */

/** Gives the value of a reference such as `aws_db_instance.Database_Instance_1A2B.address`. */
export type ReferenceResolver = (reference: string) => unknown;

/** The string with each `${reference}` replaced by its value. */
export function interpolate(text: string, resolve: ReferenceResolver): string {
  return text.replace(/\$\{([^}]+)\}/g, (_match, reference: string) => String(resolve(reference.trim())));
}

/** The JSON text that Terraform's `jsonencode` produces from a synthesized `${jsonencode(...)}` attribute. */
export function evaluateJsonencode(attribute: string, resolve: ReferenceResolver): string {
  const body = /^\$\{jsonencode\((.*)\)\}$/s.exec(attribute)?.[1];
  if (body === undefined) throw new Error(`not a jsonencode expression: ${attribute}`);
  const parser = new ExpressionParser(body, resolve);
  const value = parser.value();
  parser.end();
  return JSON.stringify(value);
}

const STRING = /^"(?:[^"\\]|\\.)*"/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const REFERENCE = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])+/;

/** The subset of HCL expressions `Fn.jsonencode` renders: objects, tuples, literals, references. */
class ExpressionParser {
  private rest: string;

  constructor(
    text: string,
    private readonly resolve: ReferenceResolver,
  ) {
    this.rest = text.trim();
  }

  value(): unknown {
    if (this.take("{")) return this.object();
    if (this.take("[")) return this.tuple();
    for (const [literal, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (new RegExp(`^${literal}\\b`).test(this.rest)) {
        this.rest = this.rest.slice(literal.length).trimStart();
        return value;
      }
    }
    const string = this.match(STRING);
    if (string !== undefined) return JSON.parse(string);
    const number = this.match(NUMBER);
    if (number !== undefined) return Number(number);
    const reference = this.match(REFERENCE);
    if (reference !== undefined) return this.resolve(reference);
    throw new Error(`cannot evaluate: ${this.rest.slice(0, 40)}`);
  }

  end(): void {
    if (this.rest !== "") throw new Error(`unexpected: ${this.rest.slice(0, 40)}`);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    while (!this.take("}")) {
      const key = this.match(STRING);
      if (key === undefined || !this.take("=")) throw new Error(`expected "key" = at ${this.rest.slice(0, 40)}`);
      result[JSON.parse(key) as string] = this.value();
      this.take(",");
    }
    return result;
  }

  private tuple(): unknown[] {
    const result: unknown[] = [];
    while (!this.take("]")) {
      result.push(this.value());
      this.take(",");
    }
    return result;
  }

  private take(token: string): boolean {
    if (!this.rest.startsWith(token)) return false;
    this.rest = this.rest.slice(token.length).trimStart();
    return true;
  }

  private match(pattern: RegExp): string | undefined {
    const found = pattern.exec(this.rest)?.[0];
    if (found !== undefined) this.rest = this.rest.slice(found.length).trimStart();
    return found;
  }
}
