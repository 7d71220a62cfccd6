/** Prints a saved bench result as Markdown: `node bench/report.ts bench/results/<file>.json`. */
import { readFile } from "node:fs/promises";
import { formatMarkdownTable } from "./support/table.ts";
import type { RowResult } from "./support/types.ts";

interface SavedReport {
  startedAt: string;
  mode: string;
  totalSeconds: number;
  machine: Record<string, unknown>;
  results: RowResult[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node bench/report.ts bench/results/<file>.json\n");
  process.exit(1);
}
const report = JSON.parse(await readFile(file, "utf8")) as SavedReport;
const machine = report.machine;
process.stdout.write(
  `${report.mode} run of ${report.startedAt} (${Math.round(report.totalSeconds)} s) on ${String(machine.cpuModel)}, ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, Node ${String(machine.node)}, ${String(machine.database)}${machine.postgresVersion ? ` ${String(machine.postgresVersion)}` : ""}; load average at start ${JSON.stringify(machine.loadAverage)}.\n\n`,
);
process.stdout.write(`${formatMarkdownTable(report.results)}\n\n`);
for (const result of report.results) {
  process.stdout.write(
    `- **${result.row} ${result.name}** (${result.scale}; load ${JSON.stringify(result.loadAverage)})\n`,
  );
  for (const note of result.notes) process.stdout.write(`  - ${note}\n`);
}
