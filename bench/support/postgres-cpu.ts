import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User + system CPU of one process, in clock ticks; undefined once it is gone. */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export interface PostgresCpuSampler {
  /** Stops sampling; CPU ms the database's backends used since `start`, or undefined if unreadable. */
  stop(): Promise<number | undefined>;
}

/**
 * Samples, every 250 ms, the CPU time of the Postgres backends connected to one database (a
 * local server only: it reads /proc). Background processes (WAL writer, checkpointer) serve
 * every database and are not counted; a backend that ends between samples loses its last 250 ms.
 */
export async function samplePostgresCpu(databaseUrl: string): Promise<PostgresCpuSampler> {
  const database = new URL(databaseUrl).pathname.replace(/^\//, "");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const ownPid = Number((await client.query("select pg_backend_pid() as pid")).rows[0]?.pid);
  const first = new Map<number, number>();
  const latest = new Map<number, number>();
  let started = false;
  async function sample(): Promise<void> {
    const result = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and pid <> $2",
      [database, ownPid],
    );
    for (const { pid } of result.rows) {
      const ticks = processTicks(pid);
      if (ticks === undefined) continue;
      // A backend already running when sampling began counts from its first sample.
      if (!first.has(pid)) first.set(pid, started ? 0 : ticks);
      latest.set(pid, ticks);
    }
  }
  await sample();
  started = true;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample().catch(() => undefined);
      await client.end();
      // A remote server: its processes are not ours to read.
      if (latest.size === 0) return undefined;
      let ticks = 0;
      for (const [pid, value] of latest) ticks += value - (first.get(pid) ?? 0);
      return (ticks * 1000) / clockTicksPerSecond();
    },
  };
}
