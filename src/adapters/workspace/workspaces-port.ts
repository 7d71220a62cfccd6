import { createHash } from "node:crypto";
import type { CheckOutcome } from "../../domain/environment.ts";
import type { Workspace } from "../../domain/tool.ts";
import type { WorkspacesPort } from "../../domain/workspaces-port.ts";
import type { WorkspaceManager } from "../git/workspace-manager.ts";
import { agentSlug } from "../git/workspace-names.ts";

/** Environment setup, and the check of one commit on a clean checkout (see `createWorkspaceEnvironment`). */
export interface WorkspaceEnvironment {
  prepareEnvironment?: WorkspacesPort["prepareEnvironment"];
  checkCommit?(request: { workspace: Workspace; commit: string; signal: AbortSignal }): Promise<CheckOutcome>;
}

/**
 * The runtime's view of the workspace manager. The slug is the agent's title plus a
 * short digest of its id, so two agents with the same title get different branches and
 * the same agent always gets the same one (creation stays idempotent across restarts).
 */
export function createWorkspacesPort(
  manager: WorkspaceManager,
  /** Environment setup and checks, when repositories have them (see `createWorkspaceEnvironment`). */
  environment: WorkspaceEnvironment = {},
): WorkspacesPort {
  const { prepareEnvironment, checkCommit } = environment;
  return {
    ...(prepareEnvironment ? { prepareEnvironment } : {}),
    ...(checkCommit
      ? {
          // The commit `finish` ends with: finalizing finds nothing more to commit unless the working copy changed.
          async runCheck({ workspace, summary, signal }) {
            const { commit } = await manager.commitWorkspace(workspace, { message: commitMessage(summary) });
            return checkCommit({ workspace, commit, signal });
          },
        }
      : {}),
    createWorkspace(request) {
      return manager.createWorkspace({
        sessionId: request.sessionId,
        agentId: request.agentId,
        agentSlug: agentSlugFor(request.title, request.agentId),
        repoName: request.repo,
        baseBranch: request.baseBranch,
      });
    },
    async finalizeWorkspace(request) {
      const result = await manager.finalizeWorkspace(request.workspace, {
        message: commitMessage(request.summary),
        check: request.check,
      });
      return { ...result };
    },
  };
}

export function agentSlugFor(title: string, agentId: string): string {
  const digest = createHash("sha256").update(agentId).digest("hex").slice(0, 6);
  return `${agentSlug(title).slice(0, 40).replace(/-+$/, "")}-${digest}`;
}

/** A subject line of at most 72 characters, then the whole summary. */
export function commitMessage(summary: string): string {
  const text = summary.trim() || "Work by a Threadwork agent";
  const firstLine = text.split("\n")[0] ?? text;
  const subject = firstLine.length > 72 ? `${firstLine.slice(0, 69)}...` : firstLine;
  return subject === text ? subject : `${subject}\n\n${text}`;
}
