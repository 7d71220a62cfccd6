import { realpath, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import git, { type HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import { errorMessage } from "../../domain/errors.ts";
import { runGit } from "./git-command.ts";
import { isRemoteUrl } from "./workspace-names.ts";

/** What a repository's location turned out to be, checked the way workspaces will use it. */
export type ProbeOutcome =
  | { kind: "ok" }
  | { kind: "missing" | "not-directory" | "no-commits" }
  | { kind: "not-repository"; detail?: string }
  | { kind: "refused"; tokenSent: boolean }
  | { kind: "not-found"; status: number }
  | { kind: "not-git"; detail: string }
  | { kind: "unreachable"; detail: string };

export interface ProbeOptions {
  token: string | undefined;
  signal: AbortSignal;
  http?: HttpClient;
}

/**
 * A local path must be the top of a git repository (a clone or a bare repository) with a
 * commit; an https URL must answer git's discovery request, with GIT_TOKEN when it asks.
 */
export async function probeRepository(url: string, options: ProbeOptions): Promise<ProbeOutcome> {
  return isRemoteUrl(url) ? probeRemote(url, options) : probeLocal(url, options.signal);
}

async function probeLocal(location: string, signal: AbortSignal): Promise<ProbeOutcome> {
  const path = location.startsWith("file://") ? new URL(location).pathname : location;
  const absolute = isAbsolute(path) ? path : resolve(path);
  const found = await stat(absolute).catch(() => undefined);
  if (!found) return { kind: "missing" };
  if (!found.isDirectory()) return { kind: "not-directory" };
  const run = (args: string[]) =>
    runGit(["rev-parse", ...args], { cwd: absolute, allowFailure: true, signal });
  const where = await run(["--is-bare-repository", "--is-inside-git-dir", "--absolute-git-dir"]);
  const [bare, insideGitDirectory, gitDirectory] = where.stdout.split("\n");
  if (where.exitCode !== 0 || !gitDirectory) {
    // Git's own reason when it is not the plain one, e.g. "detected dubious ownership".
    const reason = where.stderr
      .split("\n")[0]
      ?.replace(/^fatal: /, "")
      .trim();
    return reason && !reason.startsWith("not a git repository")
      ? { kind: "not-repository", detail: reason }
      : { kind: "not-repository" };
  }
  const top =
    bare === "true" || insideGitDirectory === "true"
      ? gitDirectory
      : (await run(["--show-toplevel"])).stdout.trim();
  // A directory inside some other repository is not a repository of its own.
  if (top === "" || (await realpath(top)) !== (await realpath(absolute))) return { kind: "not-repository" };
  const head = await run(["--verify", "--quiet", "HEAD"]);
  return head.exitCode === 0 ? { kind: "ok" } : { kind: "no-commits" };
}

async function probeRemote(url: string, options: ProbeOptions): Promise<ProbeOutcome> {
  const http = options.http ?? nodeHttp;
  const withSignal: HttpClient = {
    request: (request) => http.request({ ...request, signal: options.signal }),
  };
  let tokenSent = false;
  try {
    await git.getRemoteInfo({
      http: withSignal,
      url,
      onAuth: () => {
        if (options.token === undefined) return { cancel: true };
        tokenSent = true;
        return { username: "x-access-token", password: options.token };
      },
      onAuthFailure: () => ({ cancel: true }),
    });
    return { kind: "ok" };
  } catch (error) {
    if (options.signal.aborted) return { kind: "unreachable", detail: "no answer in time" };
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    if (code === "UserCanceledError") return { kind: "refused", tokenSent };
    if (code === "HttpError") {
      const status = Number((error as { data?: { statusCode?: number } }).data?.statusCode);
      if (status === 401 || status === 403) return { kind: "refused", tokenSent };
      if (status === 404 || status === 410) return { kind: "not-found", status };
      return { kind: "unreachable", detail: `HTTP ${status}` };
    }
    if (code === "SmartHttpError" || code === "ParseError") {
      return { kind: "not-git", detail: "it does not answer as a git server" };
    }
    const cause = (error as { cause?: unknown }).cause;
    return { kind: "unreachable", detail: errorMessage(cause ?? error) };
  }
}
