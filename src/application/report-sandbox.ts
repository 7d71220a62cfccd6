import {
  describeRestoreMechanism,
  detectRestoreMechanism,
} from "../adapters/environment/restore-mechanism.ts";
import { detectSandbox, type SandboxStatus } from "../adapters/process/sandbox-probe.ts";
import type { Config } from "../config/config.ts";
import type { Logger } from "../logger.ts";

/**
 * Logs once at start-up what run_command will do: sandboxed (bwrap path and version),
 * refusing (why, and what to install), or unsandboxed by the operator's choice.
 */
export async function reportSandbox(options: {
  git: Pick<Config["git"], "sandbox" | "commandLimits" | "workspaceQuotaMb"> &
    Partial<Pick<Config["git"], "repositories">>;
  logger: Logger;
  searchPath?: string;
  /** `<dataDir>/setup-cache`: with it, how cached setups reach workspaces is logged too. */
  setupCacheDirectory?: string;
}): Promise<SandboxStatus> {
  const { git, logger } = options;
  const status = await detectSandbox(git.sandbox, options.searchPath);
  const limits = { ...git.commandLimits, workspaceQuotaMb: git.workspaceQuotaMb };
  if (status.state === "active") {
    logger.info(
      { sandbox: "bwrap", bwrap: status.bwrapPath, version: status.version, limits },
      "command sandbox active",
    );
    if (process.getuid?.() === 0) {
      logger.warn(
        { sandbox: "bwrap" },
        "the service runs as root: the kernel does not apply THREADWORK_COMMAND_MAX_PROCESSES to root; run it as an unprivileged user (the Docker image does)",
      );
    }
  } else if (status.state === "unavailable") {
    logger.error(
      { sandbox: "unavailable", reason: status.reason },
      "COMMAND SANDBOX UNAVAILABLE: run_command will refuse every command. Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or set THREADWORK_SANDBOX=off to accept that commands can read every secret of the service",
    );
  } else {
    logger.warn(
      { sandbox: "off" },
      "COMMAND SANDBOX OFF (THREADWORK_SANDBOX=off): approved and allow-listed commands run as the service, can read its secrets (tokens, DATABASE_URL) and use the network; allow-listed commands now need approval",
    );
  }
  if (options.setupCacheDirectory && git.repositories?.some((repository) => repository.setup)) {
    const mechanism = await detectRestoreMechanism({
      sandbox: git.sandbox,
      sandboxSearchPath: options.searchPath,
      scratchDirectory: options.setupCacheDirectory,
    });
    const fields = { restore: mechanism.kind, detail: describeRestoreMechanism(mechanism) };
    if (mechanism.kind === "overlay") logger.info(fields, "setup cache restores as overlay layers");
    else logger.warn(fields, "setup cache restores by copying: time and disk grow with the dependency tree");
  }
  return status;
}
