/**
 * The synthesized HCL as `terraform fmt` leaves it, for the reviewer who reads `cdk.tf`.
 *
 * cdktf's own formatter (`@cdktf/hcl-tools`, Terraform's hclwrite) does the layout. Two
 * things remain, done here on its output:
 *
 * - An attribute whose whole value is one interpolation, `vpc_id = "${aws_vpc.network.id}"`,
 *   becomes the bare expression `vpc_id = aws_vpc.network.id`, as `terraform fmt` rewrites
 *   it (Terraform warns "Interpolation-only expressions are deprecated" on every plan
 *   otherwise). Like `terraform fmt`, only a block's attributes are rewritten, not the
 *   items of an object or a list, nor the text of a heredoc.
 * - The top-level blocks are grouped by kind (terraform, provider, data, resource,
 *   output), one blank line apart, each kind in the order cdktf wrote it (construct by
 *   construct); cdktf interleaves data sources with resources where they were created.
 *
 * It reads the formatter's output line by line: one attribute or block header per line,
 * heredocs (`<<EOF` … `EOF`) passed through untouched.
 */
import { format } from "@cdktf/hcl-tools";

/** The order of top-level blocks; a kind not listed goes last. */
const BLOCK_KINDS = ["terraform", "provider", "variable", "locals", "data", "module", "resource", "moved", "import", "output"];

/** `hcl` as `terraform fmt` would leave it, top-level blocks grouped by kind. */
export async function terraformFmt(hcl: string): Promise<string> {
  const blocks = topLevelBlocks(await format(hcl));
  const rank = (kind: string): number => (BLOCK_KINDS.includes(kind) ? BLOCK_KINDS.indexOf(kind) : BLOCK_KINDS.length);
  // Array.prototype.sort is stable: within a kind, cdktf's order stays.
  blocks.sort((a, b) => rank(a.kind) - rank(b.kind));
  return `${blocks.map((b) => b.lines.join("\n")).join("\n\n")}\n`;
}

interface TopLevelBlock {
  /** `resource`, `data`, ... */
  readonly kind: string;
  readonly lines: string[];
}

/** The formatted file's top-level blocks, their attributes unwrapped, blank lines outside heredocs dropped. */
function topLevelBlocks(formatted: string): TopLevelBlock[] {
  const blocks: TopLevelBlock[] = [];
  /** Open brackets: `block` for a block body, `expression` for an object, list or call. */
  const open: ("block" | "expression")[] = [];
  let heredocEnd: string | undefined;
  for (const line of formatted.split("\n")) {
    if (heredocEnd !== undefined) {
      blocks[blocks.length - 1].lines.push(line);
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    if (line.trim() === "") continue;
    const inBlockBody = open[open.length - 1] === "block";
    const code = withoutStrings(line);
    if (open.length === 0) blocks.push({ kind: code.trim().split(/[\s{]/)[0], lines: [] });
    blocks[blocks.length - 1].lines.push(inBlockBody ? unwrapInterpolation(line) : line);
    for (const [index, char] of [...code].entries()) {
      if (char === "{" || char === "[" || char === "(") {
        const header = code.slice(0, index);
        const isBlock = char === "{" && (open.length === 0 || inBlockBody) && !header.includes("=");
        open.push(isBlock ? "block" : "expression");
      } else if (char === "}" || char === "]" || char === ")") {
        open.pop();
      }
    }
    heredocEnd = /<<-?([A-Za-z_][A-Za-z0-9_]*)$/.exec(code)?.[1];
  }
  return blocks;
}

/** `name = "${expression}"` → `name = expression`; any other line unchanged. */
function unwrapInterpolation(line: string): string {
  const attribute = /^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*= )"\$\{/.exec(line);
  if (!attribute) return line;
  const start = attribute[1].length;
  // The interpolation opened at `"${` must close just before the string's closing quote.
  const end = endOfSequence(line, start + 3);
  if (end !== line.length - 1 || line[end] !== '"') return line;
  return `${attribute[1]}${line.slice(start + 3, end - 1).trim()}`;
}

/** The line with each quoted string (interpolations included) replaced by `""`. */
function withoutStrings(line: string): string {
  let code = "";
  for (let i = 0; i < line.length; ) {
    if (line[i] === '"') {
      const end = endOfString(line, i);
      if (end < 0) return code + line.slice(i);
      code += '""';
      i = end;
    } else {
      code += line[i];
      i += 1;
    }
  }
  return code;
}

/** Index just past the quoted string that opens at `start`, or -1 if it does not close on the line. */
function endOfString(line: string, start: number): number {
  for (let i = start + 1; i < line.length; ) {
    const char = line[i];
    if (char === "\\") i += 2;
    else if (char === '"') return i + 1;
    // `$${` and `%%{` are a literal `${` and `%{`.
    else if ((char === "$" || char === "%") && line[i + 1] === char) i += 2;
    else if ((char === "$" || char === "%") && line[i + 1] === "{") {
      i = endOfSequence(line, i + 2);
      if (i < 0) return -1;
    } else i += 1;
  }
  return -1;
}

/** Index just past the `}` that closes an interpolation or directive whose body starts at `start`, or -1. */
function endOfSequence(line: string, start: number): number {
  let depth = 0;
  for (let i = start; i < line.length; ) {
    const char = line[i];
    if (char === '"') {
      i = endOfString(line, i);
      if (i < 0) return -1;
      continue;
    }
    if (char === "{") depth += 1;
    else if (char === "}") {
      if (depth === 0) return i + 1;
      depth -= 1;
    }
    i += 1;
  }
  return -1;
}
