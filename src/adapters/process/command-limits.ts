/** Per-command resource limits, applied with `ulimit` before the command starts; it cannot raise them. */
export interface CommandLimits {
  /** CPU seconds per process (RLIMIT_CPU); SIGXCPU, then SIGKILL. */
  cpuSeconds: number;
  /** Writable data per process in MiB (RLIMIT_DATA): heap and private mappings. */
  memoryMb: number;
  /** Processes and threads of the command's user (RLIMIT_NPROC). Not enforced for root. */
  maxProcesses: number;
  /** Largest file a process may write, in MiB (RLIMIT_FSIZE); SIGXFSZ beyond it. */
  maxFileMb: number;
}

export const defaultCommandLimits: CommandLimits = {
  cpuSeconds: 600,
  memoryMb: 2048,
  maxProcesses: 256,
  maxFileMb: 1024,
};

/**
 * A bash script that sets the limits and then runs the command, passed as `$0`, in a
 * fresh shell: the command text is never spliced into the script. Failing to set a
 * limit means the hard limit is already lower, which is as safe.
 */
export function limitedShellArguments(command: string, limits: CommandLimits): string[] {
  const kib = (mebibytes: number) => Math.max(1, Math.floor(mebibytes * 1024));
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  // SIGXCPU at the soft limit says why; SIGKILL a second later if the command ignores it.
  const script = [
    `ulimit -H -t ${cpu + 1} 2>/dev/null`,
    `ulimit -S -t ${cpu} 2>/dev/null`,
    `ulimit -d ${kib(limits.memoryMb)} 2>/dev/null`,
    `ulimit -u ${Math.max(1, Math.floor(limits.maxProcesses))} 2>/dev/null`,
    `ulimit -f ${kib(limits.maxFileMb)} 2>/dev/null`,
    'exec bash -c "$0"',
  ].join("; ");
  return ["-c", script, command];
}

/** Explains an exit caused by a limit (128 + signal number from bash, or the signal itself). */
export function describeLimitExit(
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  limits: CommandLimits,
): string | undefined {
  if (signal === "SIGXCPU" || exitCode === 128 + 24) {
    return `CPU time limit of ${limits.cpuSeconds} s reached`;
  }
  if (signal === "SIGXFSZ" || exitCode === 128 + 25) {
    return `file size limit of ${limits.maxFileMb} MiB reached`;
  }
  return undefined;
}
