/**
 * A synthesized `cdk.tf.json`, and the queries the security checks and the review page
 * ask of it: resources by type, nested blocks, Terraform references between resources,
 * and literal values.
 *
 * cdktf writes attributes in snake_case. A single nested block may be an object or a
 * one-element array; a reference to another resource is an interpolation such as
 * `${aws_kms_key.encryption_key.arn}`, alone or inside a longer string.
 */

/** A synthesized stack: the parsed `cdk.tf.json`. */
export interface StackJson {
  terraform: Record<string, unknown>;
  provider?: Record<string, unknown>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  [key: string]: unknown;
}

/** Attributes of one synthesized resource. */
export type Resource = Readonly<Record<string, unknown>>;

/** A resource with its type and logical name; `address` is `<type>.<name>` as in Terraform. */
export interface Located {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly resource: Resource;
}

/** Every resource of `type` in the stack. */
export function resourcesOfType(stack: StackJson, type: string): Located[] {
  return Object.entries(stack.resource[type] ?? {}).map(([name, resource]) => ({
    type,
    name,
    address: `${type}.${name}`,
    resource,
  }));
}

/** The resource types the stack declares. */
export function resourceTypes(stack: StackJson): string[] {
  return Object.keys(stack.resource);
}

/** The blocks of a nested-block attribute, whether cdktf wrote an object or an array. */
export function blocks(value: unknown): Resource[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first block of a nested-block attribute, or `undefined`. */
export function block(value: unknown): Resource | undefined {
  return blocks(value)[0];
}

/** The values of a list attribute (a single value counts as a list of one). */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a value is a Terraform expression (reference or function call) rather than a literal. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Whether the attribute is set to something other than `null`, `""` or an empty list. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** Whether `value` (deeply) holds an interpolation that refers to the given resource. */
export function mentions(value: unknown, target: Located): boolean {
  const needle = `${target.type}.${target.name}.`;
  if (typeof value === "string") return value.includes("${") && value.includes(needle);
  if (Array.isArray(value)) return value.some((v) => mentions(v, target));
  if (isObject(value)) return Object.values(value).some((v) => mentions(v, target));
  return false;
}

/** Resources of `type` with an attribute `attribute` that refers to `target`. */
export function referencing(stack: StackJson, type: string, attribute: string, target: Located): Located[] {
  return resourcesOfType(stack, type).filter((r) => mentions(r.resource[attribute], target));
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([^.}]+)\.[^}]+\}$/;

/** The stack resource that a whole-value reference such as `${aws_subnet.X.id}` points to. */
export function resolve(stack: StackJson, value: unknown): Located | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value);
  if (!match || match[1] === "data") return undefined;
  const [, type, name] = match;
  const resource = stack.resource[type]?.[name];
  return resource ? { type, name, address: `${type}.${name}`, resource } : undefined;
}

/** The zone of an `aws_subnet`: its zone ID (`use1-az1`), or its zone name for a subnet placed by name. */
export function zoneOfSubnet(subnet: Resource): string {
  return String(subnet.availability_zone_id ?? subnet.availability_zone);
}

/** The zone of the stack's subnet that a reference such as `${aws_subnet.X.id}` points to; `undefined` for any other subnet. */
export function zoneOfSubnetId(stack: StackJson, subnetId: unknown): string | undefined {
  const subnet = resolve(stack, subnetId);
  return subnet?.type === "aws_subnet" ? zoneOfSubnet(subnet.resource) : undefined;
}

/** A literal number, or a numeric string such as `"30"`; `undefined` for expressions and missing values. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A literal boolean, or `"true"`/`"false"`; `undefined` otherwise. */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return undefined;
}

function isObject(value: unknown): value is Resource {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
