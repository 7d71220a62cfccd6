import type { Config } from "../../config/config.ts";
import { checkEachRepository } from "../check-repositories.ts";
import { type DoctorCheck, ok, problem } from "./doctor-check.ts";

/** Every repository checked as start-up checks it, all at once, each with a timeout. */
export async function checkRepositories(
  config: Config,
  options: { timeoutMs?: number } = {},
): Promise<DoctorCheck[]> {
  const { repositories, token } = config.git;
  if (repositories.length === 0) {
    return [ok("Repositories", "none configured (THREADWORK_REPOS): agents work without git workspaces")];
  }
  const checks = await checkEachRepository(config.git, { timeoutMs: options.timeoutMs ?? 15_000 });
  return checks.map((check) => {
    const subject = `Repository ${check.name}`;
    const found = check.problem ?? check.warning;
    if (found === undefined) return ok(subject, "reachable");
    const remote = /^https?:\/\//i.test(
      repositories.find((repository) => repository.name === check.name)?.url ?? "",
    );
    return problem(
      subject,
      found,
      remote
        ? `check the URL and that GIT_TOKEN${token ? "" : " (unset)"} may read the repository`
        : "point THREADWORK_REPOS (or the configuration file) at an existing git repository, as an absolute path",
    );
  });
}
