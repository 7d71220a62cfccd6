import type { RowResult } from "./types.ts";

function metText(met: boolean | undefined): string {
  if (met === undefined) return "-";
  return met ? "yes" : "NO";
}

/** A plain-text table: one line per figure, the row's number and name on its first line. */
export function formatTable(results: RowResult[]): string {
  const rows: string[][] = [["row", "measure", "figure", "target", "met?"]];
  for (const result of results) {
    if (result.error) {
      rows.push([String(result.row), result.name, `failed: ${result.error}`, "", "NO"]);
      continue;
    }
    result.lines.forEach((line, index) => {
      rows.push([
        index === 0 ? `${result.row} ${result.name}` : "",
        line.label,
        line.figure,
        line.target,
        metText(line.met),
      ]);
    });
  }
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  const render = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(" | ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("-|-");
  return [render(rows[0] ?? []), rule, ...rows.slice(1).map(render)].join("\n");
}

/** The same table in Markdown, for docs/benchmark.md and the README. */
export function formatMarkdownTable(results: RowResult[]): string {
  const lines = ["| Row | Measure | Figure | Target | Met? |", "|---|---|---|---|---|"];
  for (const result of results) {
    if (result.error) {
      lines.push(`| ${result.row} ${result.name} | | failed: ${result.error} | | no |`);
      continue;
    }
    result.lines.forEach((line, index) => {
      const name = index === 0 ? `${result.row} ${result.name}` : "";
      lines.push(`| ${name} | ${line.label} | ${line.figure} | ${line.target} | ${metText(line.met)} |`);
    });
  }
  return lines.join("\n");
}
