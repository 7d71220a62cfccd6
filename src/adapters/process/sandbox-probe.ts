import { findExecutable } from "./find-executable.ts";
import { runProcess } from "./run-process.ts";
import { deviceArguments, isolationArguments, systemMountArguments } from "./sandbox-mounts.ts";

/**
 * `required` (the default): commands run only inside bubblewrap; without a usable bwrap
 * run_command refuses. `off`: commands run as plain bash with the service's view of the
 * machine, an explicit and logged acceptance of that risk.
 */
export type SandboxMode = "required" | "off";

export type SandboxStatus =
  | { state: "active"; bwrapPath: string; version: string }
  | { state: "unavailable"; reason: string }
  | { state: "off" };

const detections = new Map<string, Promise<SandboxStatus>>();
const settled = new Map<string, SandboxStatus>();

function cacheKey(mode: SandboxMode, searchPath: string | undefined): string {
  return `${mode}\0${searchPath ?? process.env.PATH ?? ""}`;
}

/**
 * Whether commands can run sandboxed. An installed bwrap can still fail where user
 * namespaces are off (many containers), so it is run once with the flags we use.
 * Cached per mode and search path.
 */
export function detectSandbox(mode: SandboxMode, searchPath?: string): Promise<SandboxStatus> {
  const key = cacheKey(mode, searchPath);
  let detection = detections.get(key);
  if (!detection) {
    detection = probe(mode, searchPath).then((status) => {
      settled.set(key, status);
      return status;
    });
    detections.set(key, detection);
  }
  return detection;
}

/** The detected status, or undefined before `detectSandbox` has finished: callers treat that as unsafe. */
export function knownSandboxStatus(mode: SandboxMode, searchPath?: string): SandboxStatus | undefined {
  return settled.get(cacheKey(mode, searchPath));
}

async function probe(mode: SandboxMode, searchPath: string | undefined): Promise<SandboxStatus> {
  if (mode === "off") return { state: "off" };
  const bwrapPath = findExecutable("bwrap", searchPath);
  if (!bwrapPath) return { state: "unavailable", reason: "bubblewrap (bwrap) is not installed" };
  try {
    const trial = await runProcess({
      command: bwrapPath,
      args: [
        ...isolationArguments,
        ...systemMountArguments(),
        ...deviceArguments(),
        "--proc",
        "/proc",
        "bash",
        "-c",
        "true",
      ],
      cwd: "/",
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
      mergeOutput: true,
      maxOutputBytes: 2000,
    });
    if (trial.exitCode !== 0) {
      return {
        state: "unavailable",
        reason: `${bwrapPath} cannot run here: ${trial.stdout.trim() || "failed"}`,
      };
    }
    const version = await runProcess({
      command: bwrapPath,
      args: ["--version"],
      cwd: "/",
      env: { PATH: "/usr/bin:/bin" },
      timeoutMs: 10_000,
      mergeOutput: true,
      maxOutputBytes: 200,
    });
    return { state: "active", bwrapPath, version: version.stdout.trim() || "unknown" };
  } catch (error) {
    return {
      state: "unavailable",
      reason: `${bwrapPath} cannot run here: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** What run_command says when the sandbox is required but unusable: addressed to the operator. */
export function sandboxRefusal(reason: string): string {
  return (
    `run_command is disabled: commands must run inside the bubblewrap sandbox, but ${reason}. ` +
    "Ask the operator to install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow " +
    "unprivileged user namespaces, or to set THREADWORK_SANDBOX=off to accept that commands can " +
    "read every secret of the service and use the network."
  );
}
