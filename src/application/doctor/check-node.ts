import { describeCommandRuntime } from "../../adapters/process/node-runtime.ts";
import type { Config } from "../../config/config.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

/** Which Node (and npm) each repository's setup, checks and commands run on, per its `node` setting. */
export async function checkNodeRuntimes(config: Config): Promise<DoctorCheck[]> {
  const sandboxed = config.git.sandbox !== "off";
  return Promise.all(
    config.git.repositories.map(async (repository): Promise<DoctorCheck> => {
      const setting = repository.node ?? "threadwork";
      const subject = `Node for ${repository.name}`;
      const fix = `set repositories.${repository.name}.node in the configuration file to "threadwork", "system" or the absolute path of a node executable`;
      const runtime = await describeCommandRuntime(setting, {
        searchPath: process.env.PATH ?? "/usr/bin:/bin",
        sandboxed,
      });
      if ("problem" in runtime) return problem(subject, `node "${setting}": ${runtime.problem}`, fix);
      const npm = runtime.npm ? `npm ${runtime.npm.version} at ${runtime.npm.path}` : "no npm on their PATH";
      if (!runtime.node) {
        return warning(subject, `node "system": no node on the commands' PATH; ${npm}`, fix);
      }
      const whose = runtime.node.own
        ? "Threadwork's own"
        : setting === "system"
          ? "the host's"
          : "configured";
      const chosen = repository.node === undefined ? `${setting}, the default` : setting;
      return ok(
        subject,
        `${runtime.node.version} at ${runtime.node.path} (${whose}; node "${chosen}"); ${npm}`,
      );
    }),
  );
}
