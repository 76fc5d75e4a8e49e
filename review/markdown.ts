/** The few Markdown pieces the review page is made of. */

/** A table; `|` and line breaks in cells are escaped. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Inline code, for names and addresses. */
export function code(text: string): string {
  return `\`${text}\``;
}

/** `1 day`, `7 days`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `1,472` or `0.9`: thousands separated by commas, at most `maxFractionDigits` decimals (no locale data: same bytes everywhere). */
export function formatNumber(value: number, maxFractionDigits = 0): string {
  const [whole, fraction = ""] = value.toFixed(maxFractionDigits).split(".");
  const decimals = fraction.replace(/0+$/, "");
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ",")}${decimals === "" ? "" : `.${decimals}`}`;
}
