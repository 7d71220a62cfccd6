import { execFileSync } from "node:child_process";
import os from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  database: "postgres" | "pglite";
  postgresVersion?: string;
  gitCommit?: string;
  /** 1, 5 and 15-minute load averages when the run started: other work on the machine skews timings. */
  loadAverage: number[];
}

export function machineInfo(database: "postgres" | "pglite"): MachineInfo {
  const cpus = os.cpus();
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    gitCommit = undefined;
  }
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    database,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    ...(gitCommit ? { gitCommit } : {}),
  };
}
