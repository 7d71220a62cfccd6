import type { CheckOutcome, SetupOutcome } from "./environment.ts";
import type { InstructionFile } from "./repository-instructions.ts";
import type { Workspace } from "./tool.ts";

/** What a worker is told about its working copy in its first message. */
export interface WorkspaceDescription {
  /** The branch the agent's branch was cut from, when known. */
  baseBranch: string | undefined;
  commands: {
    /** Whether run_command runs in the sandbox. */
    sandboxed: boolean;
    /** Whether sandboxed commands reach the network. */
    network: boolean;
    /** Commands that run without approval (while sandboxed). */
    allowList: string[];
  };
  /** The repository's check command; undefined until one is configured for it. */
  checkCommand: string | undefined;
  /** The repository's instruction files (AGENTS.md …) for the directories the brief names, bounded. */
  instructions: InstructionFile[];
}

/** Creates and finalizes an agent's working copy; the git workspace manager implements it. */
export interface WorkspacesPort {
  createWorkspace(request: {
    sessionId: string;
    agentId: string;
    repo: string;
    title: string;
  }): Promise<Workspace>;
  /**
   * Runs the repository's environment setup in a new workspace, or restores it from the
   * setup cache; undefined when the repository has none. A workspace whose setup finished
   * once gets the recorded outcome again, without running anything.
   */
  prepareEnvironment?(request: {
    workspace: Workspace;
    signal: AbortSignal;
  }): Promise<SetupOutcome | undefined>;
  /**
   * Commits the working copy on the agent's branch (`summary` is the message), then runs
   * `workspace.check` in the sandbox on a clean checkout of exactly that commit, with the
   * setup restored fresh and a fresh home. The outcome names the commit it ran on.
   */
  runCheck?(request: { workspace: Workspace; summary: string; signal: AbortSignal }): Promise<CheckOutcome>;
  /** Commits, pushes, opens a pull request: whatever the result carries (branch, diff stats, PR url). */
  finalizeWorkspace(request: {
    sessionId: string;
    agentId: string;
    workspace: Workspace;
    summary: string;
    /** The check it finished with, for the pull request's body. */
    check?: CheckOutcome;
  }): Promise<Record<string, unknown>>;
  /** The facts a worker's first message carries; absent where nothing can be said. */
  describeWorkspace?(request: { workspace: Workspace; brief: string }): Promise<WorkspaceDescription>;
}
