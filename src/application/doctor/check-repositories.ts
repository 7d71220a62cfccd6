import { probeRepository } from "../../adapters/git/probe-repository.ts";
import type { Config } from "../../config.ts";
import { type DoctorCheck, ok, problem } from "./doctor-check.ts";

/** `git ls-remote` of every repository, all at once, each with a timeout. */
export async function checkRepositories(
  config: Config,
  options: { timeoutMs?: number } = {},
): Promise<DoctorCheck[]> {
  const { repositories, token } = config.git;
  if (repositories.length === 0) {
    return [ok("Repositories", "none configured (THREADWORK_REPOS): agents work without git workspaces")];
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  return Promise.all(
    repositories.map(async (repository) => {
      const subject = `Repository ${repository.name}`;
      const probe = await probeRepository(repository, { token, timeoutMs });
      if (probe.reachable)
        return ok(subject, `reachable, ${probe.branches} branch${probe.branches === 1 ? "" : "es"}`);
      const remote = /^https?:\/\//i.test(repository.url);
      return problem(
        subject,
        probe.reason,
        remote
          ? `check the URL and that GIT_TOKEN${token ? "" : " (unset)"} may read the repository`
          : "point THREADWORK_REPOS (or the configuration file) at an existing git repository, as an absolute path",
      );
    }),
  );
}
