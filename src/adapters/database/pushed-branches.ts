import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";

/** A branch a finished worker pushed: whose it is, and the pull request it opened. */
export interface PushedBranch {
  sessionId: string;
  agentId: string;
  title: string;
  repo: string;
  pullRequestUrl: string | undefined;
}

/**
 * The worker that pushed `branch` of one of `repos` (configured names), newest first: found
 * through the result its `finish` recorded, so a branch nobody here pushed finds nothing.
 */
export async function findPushedBranch(
  db: Database,
  repos: string[],
  branch: string,
): Promise<PushedBranch | undefined> {
  if (repos.length === 0) return undefined;
  const rows = await db
    .select({
      sessionId: agents.sessionId,
      agentId: agents.id,
      title: agents.title,
      repo: agents.repo,
      pullRequestUrl: sql<string | null>`${agents.result}->>'pullRequestUrl'`,
    })
    .from(agents)
    .where(
      and(
        eq(agents.role, "worker"),
        inArray(agents.repo, repos),
        sql`${agents.result}->>'branch' = ${branch}`,
        sql`${agents.result}->>'pushed' = 'true'`,
      ),
    )
    .orderBy(desc(agents.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row?.repo) return undefined;
  return {
    sessionId: row.sessionId,
    agentId: row.agentId,
    title: row.title,
    repo: row.repo,
    pullRequestUrl: row.pullRequestUrl ?? undefined,
  };
}
