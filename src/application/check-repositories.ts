import { type ProbeOutcome, probeRepository } from "../adapters/git/repository-probe.ts";
import type { Config } from "../config/config.ts";
import type { RepositoryConfig } from "../config/repository-config.ts";
import { displayUrl } from "../domain/display-url.ts";
import { ConfigurationError } from "../domain/errors.ts";
import type { Logger } from "../logger.ts";

const repositoryCheckTimeoutMs = 10_000;

interface RepositoryCheckReport {
  /** Locations that cannot work as configured: start-up stops. */
  problems: string[];
  /** Remotes that did not answer: they may come back, so start-up goes on. */
  warnings: string[];
}

function describe(
  repository: RepositoryConfig,
  setting: string,
  outcome: ProbeOutcome,
  timeoutMs: number,
): { problem?: string; warning?: string } {
  const where = `${setting} is ${displayUrl(repository.url)}`;
  switch (outcome.kind) {
    case "ok":
      return {};
    case "missing":
      return { problem: `${where}, which does not exist: point it at a git clone or an https git URL` };
    case "not-directory":
      return { problem: `${where}, which is a file, not a git repository` };
    case "not-repository":
      return {
        problem: `${where}, which is not a git repository${outcome.detail ? ` (${outcome.detail})` : ""}: point it at the top of a clone (or a bare repository)`,
      };
    case "no-commits":
      return { problem: `${where}, a git repository with no commits yet: workspaces start from a commit` };
    case "refused":
      return {
        problem: outcome.tokenSent
          ? `${where}, which refused GIT_TOKEN: give the token read access to the repository`
          : `${where}, which asks for credentials: set GIT_TOKEN to a token that can read it`,
      };
    case "not-found":
      return { problem: `${where}, which the server does not have (HTTP ${outcome.status}): check the URL` };
    case "not-git":
      return { problem: `${where}, which is not a git repository URL: ${outcome.detail}` };
    case "unreachable": {
      const detail =
        outcome.detail === "no answer in time" ? `no answer in ${timeoutMs / 1000} s` : outcome.detail;
      return {
        warning: `${where}, which could not be reached (${detail}); start-up goes on, and agents cannot clone it until it answers`,
      };
    }
  }
}

/** One repository's check: nothing when it works, else what stops start-up or what is only warned. */
interface RepositoryCheck {
  name: string;
  problem?: string;
  warning?: string;
}

/**
 * Checks every repository at once, each within `timeoutMs`: local paths must be git
 * repositories with a commit, remotes must answer git (with GIT_TOKEN when they ask).
 * A remote that does not answer is a warning, since networks come back; anything else
 * would fail every workspace, so it is a problem.
 */
export async function checkEachRepository(
  git: Pick<Config["git"], "repositories" | "token"> & { repositorySettings?: Record<string, string> },
  options: { timeoutMs?: number } = {},
): Promise<RepositoryCheck[]> {
  const timeoutMs = options.timeoutMs ?? repositoryCheckTimeoutMs;
  return Promise.all(
    git.repositories.map(async (repository) => {
      const signal = AbortSignal.timeout(timeoutMs);
      const outcome = await probeRepository(repository.url, { token: git.token, signal });
      const setting = git.repositorySettings?.[repository.name] ?? `Repository "${repository.name}"`;
      return { name: repository.name, ...describe(repository, setting, outcome, timeoutMs) };
    }),
  );
}

export async function checkRepositories(
  git: Pick<Config["git"], "repositories" | "token"> & { repositorySettings?: Record<string, string> },
  options: { timeoutMs?: number } = {},
): Promise<RepositoryCheckReport> {
  const checks = await checkEachRepository(git, options);
  return {
    problems: checks.flatMap((check) => (check.problem ? [check.problem] : [])),
    warnings: checks.flatMap((check) => (check.warning ? [check.warning] : [])),
  };
}

/** Start-up's check: warnings are logged, problems stop start-up in one ConfigurationError. */
export async function checkRepositoriesAtStart(config: Config, logger: Logger): Promise<void> {
  if (config.git.repositories.length === 0) return;
  const report = await checkRepositories(config.git);
  for (const warning of report.warnings) logger.warn(warning);
  if (report.problems.length > 0) throw new ConfigurationError(report.problems);
}
