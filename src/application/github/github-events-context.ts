import type { Database } from "../../adapters/database/open-database.ts";
import type { GitHubRest } from "../../adapters/github/github-rest.ts";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import type { Logger } from "../../logger.ts";
import type { SlackSurfaceContext } from "../../surfaces/slack/surface-context.ts";

/** What handling a GitHub event needs. */
export interface GitHubEventsContext {
  db: Database;
  slack: SlackSurfaceContext;
  repositories: RepositoryConfig[];
  /** Hosts whose remotes are GitHub repositories (github.com). */
  hosts: string[];
  /** Absent without GITHUB_TOKEN: no log excerpt, no replies, no permission checks. */
  rest: GitHubRest | undefined;
  settings: { autofix: "off" | "on"; autofixAttempts: number };
  /** Values never to show a model (the tokens), besides the patterns redaction knows. */
  secrets: string[];
  /** Durable once-only claim of a key (processed-events table). */
  claim(key: string): Promise<boolean>;
  logger: Logger;
}
