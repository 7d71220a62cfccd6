import type { Workspace } from "./tool.ts";

/** Creates and finalizes an agent's working copy; the git workspace manager implements it. */
export interface WorkspacesPort {
  createWorkspace(request: {
    sessionId: string;
    agentId: string;
    repo: string;
    title: string;
  }): Promise<Workspace>;
  /** Commits, pushes, opens a pull request: whatever the result carries (branch, diff stats, PR url). */
  finalizeWorkspace(request: {
    sessionId: string;
    agentId: string;
    workspace: Workspace;
    summary: string;
  }): Promise<Record<string, unknown>>;
}
