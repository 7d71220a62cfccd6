import * as fs from "node:fs";
import { tmpdir } from "node:os";
import git, { type HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import type { RepositoryConfig } from "../../config.ts";
import { errorMessage } from "../../domain/errors.ts";
import { runGit } from "./git-command.ts";
import { safeUrl } from "./remote-transport.ts";
import { isRemoteUrl } from "./workspace-names.ts";

export type RepositoryProbe = { reachable: true; branches: number } | { reachable: false; reason: string };

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `git ls-remote`, with a timeout: an https remote is asked in-process (the token goes in a
 * header, never on a command line), a local path or file URL by native git.
 */
export async function probeRepository(
  repository: Pick<RepositoryConfig, "url">,
  options: { token: string | undefined; timeoutMs: number; http?: HttpClient },
): Promise<RepositoryProbe> {
  try {
    if (isRemoteUrl(repository.url)) {
      const onAuth = () =>
        options.token === undefined
          ? { cancel: true }
          : { username: "x-access-token", password: options.token };
      const refs = await withTimeout(
        git.listServerRefs({
          http: options.http ?? nodeHttp,
          url: repository.url,
          prefix: "refs/heads/",
          onAuth,
          onAuthFailure: () => ({ cancel: true }),
        }),
        options.timeoutMs,
      );
      return { reachable: true, branches: refs.length };
    }
    if (!repository.url.startsWith("file:") && !fs.existsSync(repository.url)) {
      return { reachable: false, reason: `${repository.url} does not exist` };
    }
    const result = await runGit(["ls-remote", "--heads", repository.url], {
      cwd: tmpdir(),
      timeoutMs: options.timeoutMs,
    });
    return {
      reachable: true,
      branches: result.stdout.split("\n").filter((line) => line.trim() !== "").length,
    };
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const reason =
      code === "UserCanceledError" || code === "HttpError"
        ? `${safeUrl(repository.url)} refused access (${errorMessage(error)})`
        : errorMessage(error);
    return { reachable: false, reason };
  }
}
