import * as fs from "node:fs";
import git, { type HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import { displayUrl } from "../../domain/display-url.ts";
import { boundedHttp } from "./bounded-http.ts";
import { GitError } from "./git-error.ts";
import { maxFetchBytes } from "./repository-limits.ts";

/**
 * Remote fetch and push over HTTPS with isomorphic-git, in-process. The token goes from
 * memory into an Authorization header and nowhere else: not a command line, not a
 * child's environment, not a git config file.
 */
export interface RemoteTransport {
  /** Fetches every branch into `refs/remotes/origin/*` of a bare repository; returns the remote's default branch. */
  fetchAll(gitdir: string, url: string): Promise<{ defaultBranch: string | undefined }>;
  /** Pushes `branch` (same name on the remote). */
  pushBranch(gitdir: string, url: string, branch: string): Promise<void>;
}

export function createRemoteTransport(options: {
  token: string | undefined;
  http?: HttpClient;
  /** What one fetch may bring at most; default `maxFetchBytes`. */
  maxFetchBytes?: number;
}): RemoteTransport {
  const http = options.http ?? nodeHttp;
  const onAuth = () =>
    options.token === undefined ? { cancel: true } : { username: "x-access-token", password: options.token };
  const onAuthFailure = () => ({ cancel: true });

  return {
    async fetchAll(gitdir, url) {
      try {
        const result = await git.fetch({
          fs,
          http: boundedHttp(http, options.maxFetchBytes ?? maxFetchBytes),
          gitdir,
          url,
          remote: "origin",
          singleBranch: false,
          tags: false,
          prune: true,
          onAuth,
          onAuthFailure,
        });
        const defaultBranch = result.defaultBranch?.replace(/^refs\/heads\//, "") ?? undefined;
        return { defaultBranch };
      } catch (error) {
        throw transportError("fetch", url, error);
      }
    },
    async pushBranch(gitdir, url, branch) {
      let result: Awaited<ReturnType<typeof git.push>>;
      try {
        result = await git.push({
          fs,
          http,
          gitdir,
          url,
          ref: `refs/heads/${branch}`,
          remoteRef: `refs/heads/${branch}`,
          onAuth,
          onAuthFailure,
        });
      } catch (error) {
        throw transportError("push", url, error);
      }
      const status = result.refs[`refs/heads/${branch}`];
      if (!result.ok || (status && !status.ok)) {
        throw new GitError(
          `push of ${branch} to ${displayUrl(url)} was rejected: ${status?.error ?? result.error ?? "unknown"}`,
          {
            operation: "push",
          },
        );
      }
    },
  };
}

function transportError(operation: string, url: string, error: unknown): GitError {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const reason =
    code === "UserCanceledError"
      ? "authentication failed (check GIT_TOKEN)"
      : error instanceof Error
        ? error.message
        : String(error);
  const preposition = operation === "push" ? "to" : "from";
  return new GitError(
    `git ${operation} ${preposition} ${displayUrl(url)} failed: ${reason}`,
    { operation },
    error,
  );
}
