/**
 * IAM resource patterns over secret names, so that a policy reaching hundreds of secrets
 * stays within IAM's size limits: the part of a secret ARN after `secret:` is the name,
 * `-` and six random characters.
 */

/** The pattern reaching exactly one secret: its name and the six characters of the ARN's suffix. */
export function exactSecretPattern(name: string): string {
  return `${name}-??????`;
}

/** Whether `pattern` (IAM's `*` and `?` wildcards) reaches the secret named `name`. */
export function patternCoversSecret(pattern: string, name: string): boolean {
  return patternRegExp(pattern).test(`${name}-XXXXXX`);
}

/**
 * The patterns reaching a set of secrets, one per name path rather than one per secret:
 * the names are grouped by path (what precedes their last `/`), and each group becomes
 * the longest start its names share followed by `*`, or the exact pattern of each name
 * when the group has a single name or its names share no start.
 *
 * Names are added one at a time and the patterns kept up to date per group, so building
 * the patterns of n secrets costs O(n), not O(n²).
 */
export class SecretNamePatterns {
  private readonly names = new Set<string>();
  private readonly groups = new Map<string, { readonly names: string[]; start: string }>();
  private sorted: string[] | undefined;

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.add(name);
  }

  public has(name: string): boolean {
    return this.names.has(name);
  }

  public add(name: string): void {
    if (this.has(name)) return;
    this.names.add(name);
    const path = pathOf(name);
    const group = this.groups.get(path);
    if (group === undefined) {
      this.groups.set(path, { names: [name], start: name });
    } else {
      group.names.push(name);
      group.start = commonStart(group.start, name);
    }
    this.sorted = undefined;
  }

  /** Every pattern, sorted. */
  public patterns(): readonly string[] {
    this.sorted ??= [...this.groups.values()].flatMap(({ names, start }) => groupPatterns(names, start)).sort();
    return this.sorted;
  }

  /** The pattern that reaches the secret named `name`, if any. */
  public patternCovering(name: string): string | undefined {
    return this.patterns().find((pattern) => patternCoversSecret(pattern, name));
  }

  /** The patterns that adding `name` would create: those of its group that do not exist yet. */
  public patternsAddedBy(name: string): string[] {
    if (this.has(name)) return [];
    const group = this.groups.get(pathOf(name));
    if (group === undefined) return [exactSecretPattern(name)];
    const before = groupPatterns(group.names, group.start);
    return groupPatterns([...group.names, name], commonStart(group.start, name)).filter((p) => !before.includes(p));
  }
}

function pathOf(name: string): string {
  return name.slice(0, name.lastIndexOf("/") + 1);
}

function groupPatterns(names: readonly string[], start: string): string[] {
  return names.length > 1 && start !== "" ? [`${start}*`] : names.map(exactSecretPattern);
}

function commonStart(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

const compiled = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    const body = [...pattern]
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
      .join("");
    regexp = new RegExp(`^${body}$`, "s");
    compiled.set(pattern, regexp);
  }
  return regexp;
}
