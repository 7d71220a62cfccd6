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
