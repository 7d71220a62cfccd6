import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describeRestoreMechanism,
  detectRestoreMechanism,
} from "../../adapters/environment/restore-mechanism.ts";
import { detectSandbox } from "../../adapters/process/sandbox-probe.ts";
import type { Config } from "../../config/config.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

/** Whether `run_command` can run commands in bubblewrap, as start-up reports it. */
export async function checkSandbox(
  config: Config,
  options: { searchPath?: string } = {},
): Promise<DoctorCheck> {
  const status = await detectSandbox(config.git.sandbox, options.searchPath);
  const needed = config.git.repositories.length > 0;
  if (status.state === "active")
    return ok("Command sandbox", `${status.version} at ${status.bwrapPath} works`);
  if (status.state === "off") {
    return warning(
      "Command sandbox",
      "off (THREADWORK_SANDBOX=off): approved commands run as the service and can read its secrets",
      "install bubblewrap and unset THREADWORK_SANDBOX, unless this is a trusted single-user machine",
    );
  }
  const fix =
    "install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces (see docs/sandbox.md)";
  return needed
    ? problem("Command sandbox", `unavailable: ${status.reason}; run_command will refuse every command`, fix)
    : warning(
        "Command sandbox",
        `unavailable: ${status.reason} (no repository is configured, so no command runs)`,
        fix,
      );
}

/**
 * How a cached environment setup reaches new workspaces, as the runtime will choose it: an
 * overlay layer (constant time and disk) or a copy per workspace. The probe mounts a trial
 * layer in the setup cache's directory and removes it.
 */
export async function checkSetupRestore(
  config: Config,
  options: { searchPath?: string } = {},
): Promise<DoctorCheck> {
  if (!config.git.repositories.some((repository) => repository.setup))
    return ok("Setup cache restores", "no repository has an environment setup");
  const directory = join(config.database.dataDir, "setup-cache");
  const mechanism = await detectRestoreMechanism({
    sandbox: config.git.sandbox,
    sandboxSearchPath: options.searchPath,
    scratchDirectory: existsSync(config.database.dataDir)
      ? directory
      : join(tmpdir(), "threadwork-setup-cache"),
  });
  const detail = describeRestoreMechanism(mechanism);
  return mechanism.kind === "overlay"
    ? ok("Setup cache restores", detail)
    : warning(
        "Setup cache restores",
        detail,
        "a copy per workspace costs time and disk that grow with the dependency tree: use a kernel ≥ 5.11 with unprivileged user namespaces, util-linux's unshare and an active sandbox (see docs/workspaces.md)",
      );
}
