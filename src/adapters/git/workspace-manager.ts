import { mkdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import type { HttpClient } from "isomorphic-git";
import type { Logger } from "pino";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import { integrationBranch } from "../../domain/branch-policy.ts";
import { ciPushRefusal, isCiConfigurationPath } from "../../domain/ci-configuration.ts";
import { displayUrl } from "../../domain/display-url.ts";
import { type CheckOutcome, checkAtCommit } from "../../domain/environment.ts";
import { errorMessage } from "../../domain/errors.ts";
import { pathPattern } from "../../domain/path-pattern.ts";
import type { Workspace } from "../../domain/tool.ts";
import { defaultWorkspaceQuotaMb, requireRoomToStage } from "./disk-usage.ts";
import { type GitIdentity, runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";
import {
  defaultGitHubOptions,
  type GitHubOptions,
  gitHubRepositoryOf,
  openDraftPullRequest,
} from "./github-pull-request.ts";
import { type MergeConflict, type MergeSourceBranch, mergeWorkspaceBranches } from "./merge-branches.ts";
import { MirrorStore } from "./mirror-store.ts";
import { pullRequestBody } from "./pull-request-body.ts";
import { createRemoteTransport, type RemoteTransport } from "./remote-transport.ts";
import { repositoryEnvironment } from "./repository-environment.ts";
import { type RepositoryOverview, readRepositoryOverview } from "./repository-overview.ts";
import {
  changedPaths,
  commitAll,
  currentBranch,
  type DiffStats,
  diffStats,
  headCommit,
} from "./working-copy.ts";
import { workspaceBase } from "./workspace-base.ts";
import {
  type CleanupRequest,
  type CleanupResult,
  type DiskUsage,
  measureDiskUsage,
  removeFinishedSessions,
} from "./workspace-cleanup.ts";
import { cloneWorkingCopy, exists, readMetadata, writeMetadata } from "./workspace-files.ts";
import { agentBranch, agentSlug, checkBranchName, checkSessionId, isRemoteUrl } from "./workspace-names.ts";

export interface WorkspaceManagerOptions {
  repositories: RepositoryConfig[];
  /** GIT_TOKEN: https auth for fetch and push, used in-process only. */
  token: string | undefined;
  /** GITHUB_TOKEN: opens draft pull requests on GitHub remotes. */
  githubToken: string | undefined;
  /** Mirrors live in `<dataDir>/mirrors`, working copies in `<dataDir>/workspaces`. */
  dataDir: string;
  /** Push finished branches of https repositories. */
  push: boolean;
  logger: Logger;
  /** Skip a mirror refresh when the last one is younger than this. Default 30 s. */
  mirrorRefreshIntervalMs?: number;
  identity?: GitIdentity;
  github?: Partial<GitHubOptions>;
  /** isomorphic-git HTTP client; defaults to its node client. */
  http?: HttpClient;
  /** Replaces the remote transport entirely (tests, other transports). */
  transport?: RemoteTransport;
  /** THREADWORK_WORKSPACE_QUOTA_MB: bounds a checkout and what a commit stages. */
  workspaceQuotaMb?: number;
}

export interface CreateWorkspaceRequest {
  sessionId: string;
  agentId: string;
  /** Becomes the branch and directory name after slugging. */
  agentSlug: string;
  repoName: string;
  baseBranch?: string | undefined;
}

export interface FinalizeResult {
  branch: string;
  commit: string;
  diffStats: DiffStats;
  pushed: boolean;
  pullRequestUrl?: string;
  /** Why the push or the pull request did not happen, when it was attempted and failed. */
  error?: string;
  /** Where the branch can be fetched from: the remote's URL (no credentials) once pushed, else the working copy. */
  fetchFrom?: string;
}

export interface MergeRequest {
  sessionId: string;
  workspaces: MergeSourceBranch[];
  /** Target branch; default `threadwork/<session>/integration`. */
  into?: string;
}

export interface MergeResult {
  branch: string;
  commit: string;
  merged: string[];
  conflicts: MergeConflict[];
  /** The integration working copy, e.g. for a fixer agent. */
  workspace: Workspace;
  pushed: boolean;
  error?: string;
}

export interface WorkspaceManager {
  repositoryNames(): string[];
  defaultBranchOf(repoName: string): Promise<string>;
  createWorkspace(request: CreateWorkspaceRequest): Promise<Workspace>;
  /** Commits everything in the working copy on the agent's branch; the head is the commit to check. */
  commitWorkspace(workspace: Workspace, options: { message: string }): Promise<{ commit: string }>;
  finalizeWorkspace(
    workspace: Workspace,
    options: { message: string; check?: CheckOutcome | undefined },
  ): Promise<FinalizeResult>;
  mergeBranches(request: MergeRequest): Promise<MergeResult>;
  /** Where a merge in this repository is pushed (a URL without credentials), or undefined when it stays local. */
  pushTargetOf(repoName: string): string | undefined;
  cleanup(request: CleanupRequest): Promise<CleanupResult>;
  diskUsage(): Promise<DiskUsage>;
  /** Layout, README and instruction file of a repository's default branch, for planning. */
  repositoryOverview(repoName: string): Promise<RepositoryOverview>;
}

export type { CleanupRequest, CleanupResult, DiskUsage };

export function createWorkspaceManager(options: WorkspaceManagerOptions): WorkspaceManager {
  const mirrorsDirectory = join(options.dataDir, "mirrors");
  const workspacesDirectory = join(options.dataDir, "workspaces");
  const transport =
    options.transport ??
    createRemoteTransport({ token: options.token, ...(options.http ? { http: options.http } : {}) });
  const mirrors = new MirrorStore({
    directory: mirrorsDirectory,
    repositories: options.repositories,
    transport,
    refreshIntervalMs: options.mirrorRefreshIntervalMs ?? 30_000,
    onRefreshError: (repository, error) =>
      options.logger.warn(
        { repository, error: errorMessage(error) },
        "mirror refresh failed; using the stale mirror",
      ),
  });
  const github: GitHubOptions = { ...defaultGitHubOptions, ...options.github };
  const creating = new Map<string, Promise<Workspace>>();
  const merging = new Map<string, Promise<void>>();
  const identity = options.identity ? { identity: options.identity } : {};
  const quotaMb = options.workspaceQuotaMb ?? defaultWorkspaceQuotaMb;

  const sessionDirectory = (sessionId: string) => join(workspacesDirectory, checkSessionId(sessionId));

  async function createOrReuse(request: CreateWorkspaceRequest): Promise<Workspace> {
    const slug = agentSlug(request.agentSlug);
    const directory = sessionDirectory(request.sessionId);
    const root = join(directory, slug);
    const metadataPath = `${root}.json`;
    const branch = agentBranch(request.sessionId, slug);
    const existing = await readMetadata(metadataPath);
    if (existing && (await exists(join(root, ".git")))) {
      if (existing.repoName !== request.repoName || existing.agentId !== request.agentId) {
        throw new WorkspaceRequestError(
          `Workspace ${root} already belongs to agent ${existing.agentId} on ${existing.repoName}`,
        );
      }
      return {
        repoName: existing.repoName,
        root,
        branch: existing.branch,
        baseCommit: existing.baseCommit,
        ...repositoryEnvironment(options.repositories, request.repoName),
      };
    }
    const mirror = await mirrors.get(request.repoName);
    await mkdir(directory, { recursive: true });
    // Metadata without a working copy (removed by hand): recreate it at the recorded base.
    const base = await workspaceBase(mirror, request.baseBranch);
    const start = existing?.baseCommit ?? base.commit;
    await cloneWorkingCopy(mirror.path, root, branch, start, quotaMb);
    await writeMetadata(metadataPath, {
      repoName: request.repoName,
      branch,
      baseCommit: start,
      baseBranch: existing?.baseBranch ?? base.branch,
      agentId: request.agentId,
      createdAt: new Date().toISOString(),
    });
    // The runtime logs "workspace created" with the thread; this is the adapter's detail.
    options.logger.debug(
      { sessionId: request.sessionId, agentId: request.agentId, branch },
      "working copy cloned",
    );
    return {
      repoName: request.repoName,
      root,
      branch,
      baseCommit: start,
      ...repositoryEnvironment(options.repositories, request.repoName),
    };
  }

  async function pushAndOpenPullRequest(
    repository: RepositoryConfig,
    root: string,
    branch: string,
    baseBranch: string,
    pullRequest: { title: string; body: string } | undefined,
    baseCommit: string,
  ): Promise<{ pushed: boolean; pullRequestUrl?: string; error?: string }> {
    if (!options.push || !isRemoteUrl(repository.url)) return { pushed: false };
    const pipelinePatterns = (repository.pipelineFiles ?? []).map(pathPattern);
    const changedPipelinePaths = await changedPaths(root, baseCommit, "HEAD", (path) =>
      isCiConfigurationPath(path, pipelinePatterns),
    );
    const refusal = ciPushRefusal(changedPipelinePaths, repository.pipelineFiles);
    if (refusal) {
      options.logger.warn({ branch }, "push refused: the branch changes CI configuration");
      return { pushed: false, error: refusal };
    }
    try {
      await transport.pushBranch(join(root, ".git"), repository.url, branch);
    } catch (error) {
      options.logger.warn({ branch, error: errorMessage(error) }, "push failed");
      return { pushed: false, error: errorMessage(error) };
    }
    const target = gitHubRepositoryOf(repository.url, github.hosts);
    if (!pullRequest || !target || !options.githubToken) return { pushed: true };
    try {
      const pullRequestUrl = await openDraftPullRequest(github, {
        token: options.githubToken,
        ...target,
        head: branch,
        base: baseBranch,
        ...pullRequest,
      });
      return { pushed: true, pullRequestUrl };
    } catch (error) {
      options.logger.warn({ branch, error: errorMessage(error) }, "opening the pull request failed");
      return { pushed: true, error: errorMessage(error) };
    }
  }

  async function commitOnAgentBranch(workspace: Workspace, message: string): Promise<{ commit: string }> {
    // Commit and push the agent's own branch only: a working copy switched to another
    // branch (by a command) would commit there and report a commit the push never carried.
    const checkedOut = await currentBranch(workspace.root);
    if (checkedOut !== workspace.branch) {
      throw new WorkspaceRequestError(
        `The working copy is on ${checkedOut ?? "a detached HEAD"}, not the agent's branch ${workspace.branch}; nothing was committed or pushed`,
      );
    }
    await requireRoomToStage(workspace.root, options.workspaceQuotaMb ?? defaultWorkspaceQuotaMb);
    await commitAll(workspace.root, message, identity);
    return { commit: await headCommit(workspace.root) };
  }

  async function mergeInto(request: MergeRequest, into: string): Promise<MergeResult> {
    const first = request.workspaces[0];
    if (!first) throw new WorkspaceRequestError("Nothing to merge: no workspaces given");
    const repoName = first.repoName;
    if (request.workspaces.some((workspace) => workspace.repoName !== repoName)) {
      throw new WorkspaceRequestError("All merged workspaces must come from the same repository");
    }
    const repository = mirrors.repository(repoName);
    const directory = sessionDirectory(request.sessionId);
    const root = join(directory, `_merge-${agentSlug(into)}`);
    const mirror = await mirrors.get(repoName);
    await mkdir(directory, { recursive: true });
    const metadataPath = `${root}.json`;
    let metadata = await readMetadata(metadataPath);
    if (metadata && metadata.branch !== into) {
      // Two targets that slug alike ("a/b", "a-b") must not share one working copy.
      throw new WorkspaceRequestError(
        `Cannot merge into ${into}: its working copy already holds ${metadata.branch}; choose another name`,
      );
    }
    if (!metadata || !(await exists(join(root, ".git")))) {
      const existing = await runGit(["rev-parse", "-q", "--verify", `refs/heads/${into}^{commit}`], {
        cwd: mirror.path,
        allowFailure: true,
      });
      const start = existing.exitCode === 0 ? existing.stdout.trim() : mirror.head;
      await cloneWorkingCopy(mirror.path, root, into, start, quotaMb);
      metadata = {
        repoName,
        branch: into,
        baseCommit: start,
        baseBranch: mirror.defaultBranch,
        agentId: "integration",
        createdAt: new Date().toISOString(),
      };
      await writeMetadata(metadataPath, metadata);
    }
    const baseCommit = metadata.baseCommit;
    const { merged, conflicts } = await mergeWorkspaceBranches(root, request.workspaces);
    const commit = await headCommit(root);
    options.logger.info(
      { sessionId: request.sessionId, into, merged, conflicts: conflicts.length },
      "branches merged",
    );
    const pushed =
      merged.length > 0
        ? await pushAndOpenPullRequest(repository, root, into, mirror.defaultBranch, undefined, baseCommit)
        : { pushed: false };
    return {
      branch: into,
      commit,
      merged,
      conflicts,
      workspace: { repoName, root, branch: into, baseCommit },
      ...pushed,
    };
  }

  return {
    repositoryNames: () => options.repositories.map((repository) => repository.name),

    async defaultBranchOf(repoName) {
      return (await mirrors.get(repoName)).defaultBranch;
    },

    async createWorkspace(request) {
      const key = `${checkSessionId(request.sessionId)}/${agentSlug(request.agentSlug)}`;
      const running = creating.get(key);
      if (running) return running;
      const work = createOrReuse(request).finally(() => creating.delete(key));
      creating.set(key, work);
      return work;
    },

    commitWorkspace: (workspace, { message }) => commitOnAgentBranch(workspace, message),

    async finalizeWorkspace(workspace, { message, check }) {
      const repository = mirrors.repository(workspace.repoName);
      const { commit } = await commitOnAgentBranch(workspace, message);
      const stats = await diffStats(workspace.root, workspace.baseCommit, commit);
      const metadataPath = `${workspace.root}.json`;
      const metadata = await readMetadata(metadataPath);
      await utimes(metadataPath, new Date(), new Date()).catch(() => undefined);
      const result: FinalizeResult = { branch: workspace.branch, commit, diffStats: stats, pushed: false };
      if (commit === workspace.baseCommit) return result;
      const baseBranch = metadata?.baseBranch ?? (await mirrors.get(workspace.repoName)).defaultBranch;
      const title = message.split("\n")[0] ?? workspace.branch;
      const body = pullRequestBody(message, stats, check && checkAtCommit(check, commit));
      const pushed = await pushAndOpenPullRequest(
        repository,
        workspace.root,
        workspace.branch,
        baseBranch,
        {
          title,
          body,
        },
        workspace.baseCommit,
      );
      return {
        ...result,
        ...pushed,
        fetchFrom: pushed.pushed ? displayUrl(repository.url) : workspace.root,
      };
    },

    async mergeBranches(request) {
      const into = checkBranchName(request.into ?? integrationBranch(request.sessionId));
      // Two merges into the same integration copy at once would trip over each other's MERGE_HEAD.
      const key = `${checkSessionId(request.sessionId)}/${into}`;
      const previous = merging.get(key) ?? Promise.resolve();
      const work = previous.then(() => mergeInto(request, into));
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      merging.set(key, settled);
      void settled.then(() => {
        if (merging.get(key) === settled) merging.delete(key);
      });
      return work;
    },

    pushTargetOf(repoName) {
      const repository = mirrors.repository(repoName);
      return options.push && isRemoteUrl(repository.url) ? displayUrl(repository.url) : undefined;
    },

    async cleanup(request) {
      const result = await removeFinishedSessions(options.dataDir, request);
      if (result.removed.length > 0) options.logger.info(result, "workspaces removed");
      return result;
    },

    diskUsage: () => measureDiskUsage(options.dataDir),

    async repositoryOverview(repoName) {
      return readRepositoryOverview(await mirrors.get(repoName), repoName);
    },
  };
}
