import { listAgentsForSession } from "../adapters/database/agents.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { diffAgainst } from "../adapters/git/working-copy.ts";
import { parseWorkspace } from "../domain/tool.ts";
import type { Logger } from "../logger.ts";
import type { SessionDiffSource } from "../surfaces/slack/code-channels/session-diffs.ts";

/** Read per workspace at most; a code channel's diff tab holds 1,000,000 bytes in all. */
const maximumDiffBytes = 2_000_000;

/**
 * A session's diff for its code channel: every sub-agent's working copy against the commit
 * its branch started from (committed or not, new files included, as `git_diff` shows it),
 * one after the other. A working copy already cleaned up is skipped.
 */
export function createSessionDiffs(options: { db: Database; logger: Logger }): SessionDiffSource {
  return {
    async diffOf(sessionId) {
      const workspaces = (await listAgentsForSession(options.db, sessionId)).flatMap((agent) => {
        const workspace = agent.role === "worker" ? parseWorkspace(agent.workspace) : undefined;
        return workspace ? [workspace] : [];
      });
      const pieces: string[] = [];
      for (const workspace of workspaces) {
        try {
          pieces.push(
            await diffAgainst(workspace.root, workspace.baseCommit, { maxOutputBytes: maximumDiffBytes }),
          );
        } catch (error) {
          options.logger.debug({ err: error, branch: workspace.branch }, "no diff from a working copy");
        }
      }
      const text = pieces.filter((piece) => piece.trim() !== "").join("\n");
      if (text === "") return undefined;
      const [only] = workspaces;
      return workspaces.length === 1 && only ? { text, headBranch: only.branch } : { text };
    },
  };
}
