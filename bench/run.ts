import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { concurrencyMemoryRow } from "./rows/concurrency-memory.ts";
import { environmentSetupRow } from "./rows/environment-setup.ts";
import { orchestrationOverheadRow } from "./rows/orchestration-overhead.ts";
import { promptCachingRow } from "./rows/prompt-caching.ts";
import { scaleOutRow } from "./rows/scale-out.ts";
import { slackAckRow } from "./rows/slack-ack.ts";
import { slackEfficiencyRow } from "./rows/slack-efficiency.ts";
import { workspacesRow } from "./rows/workspaces.ts";
import { benchDatabases } from "./support/databases.ts";
import { machineInfo } from "./support/machine.ts";
import { formatMarkdownTable, formatTable } from "./support/table.ts";
import type { BenchRow, RowResult } from "./support/types.ts";
import { watchRow } from "./support/watchdog.ts";

const rows: BenchRow[] = [
  slackAckRow,
  orchestrationOverheadRow,
  concurrencyMemoryRow,
  slackEfficiencyRow,
  workspacesRow,
  promptCachingRow,
  scaleOutRow,
  environmentSetupRow,
].sort((left, right) => left.row - right.row);

function loadAverage(): number[] {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

async function postgresVersion(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>("show server_version");
    return result.rows[0]?.server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      "app-process": { type: "boolean", default: false },
      only: { type: "string" },
      markdown: { type: "boolean", default: false },
      "stall-seconds": { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const only = values.only?.split(",").map(Number);
  const serverUrl = process.env.DATABASE_URL || undefined;
  const databases = benchDatabases(serverUrl);
  const stallSeconds = Number(values["stall-seconds"] ?? 90);
  const base = {
    quick,
    appProcess: values["app-process"] ?? false,
    databases,
    progress: (message: string) => process.stderr.write(`  ${message}\n`),
  };
  const machine = {
    ...machineInfo(databases.kind),
    ...(serverUrl ? { postgresVersion: await postgresVersion(serverUrl) } : {}),
  };
  const startedAt = new Date();
  process.stderr.write(
    `threadwork bench (${quick ? "quick" : "full"}) on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.database}\n`,
  );

  const results: RowResult[] = [];
  for (const row of rows) {
    if (only && !only.includes(row.row)) continue;
    process.stderr.write(`row ${row.row}: ${row.name}\n`);
    const started = performance.now();
    const watched = watchRow({ row: row.row, base, stallSeconds });
    try {
      const outcome = await Promise.race([row.run(watched.context), watched.stalled]);
      results.push({
        row: row.row,
        name: row.name,
        seconds: (performance.now() - started) / 1000,
        loadAverage: loadAverage(),
        ...outcome,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`  failed: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
      results.push({
        row: row.row,
        name: row.name,
        seconds: (performance.now() - started) / 1000,
        loadAverage: loadAverage(),
        scale: "",
        lines: [],
        notes: [],
        details: {},
        error: message,
      });
    } finally {
      await watched.finish();
    }
  }

  await databases.closeShared();
  const totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`\n${values.markdown ? formatMarkdownTable(results) : formatTable(results)}\n\n`);
  for (const result of results) {
    for (const note of [result.scale ? `scale: ${result.scale}` : "", ...result.notes].filter(Boolean)) {
      process.stdout.write(`  [${result.row}] ${note}\n`);
    }
  }
  const directory = join(dirname(fileURLToPath(import.meta.url)), "results");
  await mkdir(directory, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const file = join(directory, `${stamp}-${quick ? "quick" : "full"}.json`);
  const report = {
    startedAt: startedAt.toISOString(),
    mode: quick ? "quick" : "full",
    totalSeconds,
    machine,
    results,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${results.length} rows in ${totalSeconds.toFixed(1)} s; wrote ${file}\n`);
  const failed = results.filter((result) => result.error !== undefined);
  for (const result of failed) process.stderr.write(`row ${result.row} did not finish: ${result.error}\n`);
  // Fakes, pools and timers of finished rows must not keep the process alive.
  process.exit(failed.length > 0 ? 1 : 0);
}

await main();
