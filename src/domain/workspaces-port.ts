import type { CheckOutcome, SetupOutcome } from "./environment.ts";
import type { InstructionFile } from "./repository-instructions.ts";
import type { Workspace } from "./tool.ts";

/** The Node and npm a repository's commands run on, or why there is none. */
export type NodeRuntimeDescription =
  | {
      /** The repository's `node` setting: `threadwork`, `system` or a path. */
      setting: string;
      /** `own`: the Node that runs Threadwork. None only with `system` on a host without one. */
      node: { path: string; version: string; own: boolean } | undefined;
      /** The `npm` commands find, if any: it runs on the first `node` of their PATH. */
      npm: { path: string; version: string } | undefined;
    }
  | { problem: string };

/** What a worker is told about its working copy in its first message. */
export interface WorkspaceDescription {
  /** The branch the agent's branch was cut from, when known. */
  baseBranch: string | undefined;
  commands: {
    /** Whether run_command runs in the sandbox. */
    sandboxed: boolean;
    /** Whether sandboxed commands reach the network. */
    network: boolean;
    /** Commands that run without approval: none unless the sandbox is active. */
    allowList: string[];
    /** The Node (and npm) commands run on. */
    runtime: NodeRuntimeDescription;
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
    /** The branch to start from and open the pull request against (a channel's setting); the repository's default when absent. */
    baseBranch?: string | undefined;
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
