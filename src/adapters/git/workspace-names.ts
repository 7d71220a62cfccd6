import { branchNameProblem, sessionBranchPrefix } from "../../domain/branch-policy.ts";
import { WorkspaceRequestError } from "./git-error.ts";

const sessionIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Session ids become a directory and a branch component: keep them boring. */
export function checkSessionId(sessionId: string): string {
  if (!sessionIdPattern.test(sessionId) || sessionId.includes("..") || sessionId.endsWith(".lock")) {
    throw new WorkspaceRequestError(`Unusable session id for a workspace: "${sessionId}"`);
  }
  return sessionId;
}

/** Lowercase letters, digits and dashes; never starts with `_` (reserved for the integration copy). */
export function agentSlug(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return slug === "" ? "agent" : slug;
}

export function agentBranch(sessionId: string, slug: string): string {
  return `${sessionBranchPrefix(sessionId)}${slug}`;
}

/** A conservative subset of `git check-ref-format` for branch names we are handed. */
export function checkBranchName(branch: string): string {
  const problem = branchNameProblem(branch);
  if (problem) throw new WorkspaceRequestError(`Unusable branch name "${branch}": ${problem}`);
  return branch;
}

export function isRemoteUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
