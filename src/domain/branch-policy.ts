import type { ToolRisk } from "./tool.ts";

/**
 * Which git branches an agent's effects may reach without a human. A session owns the
 * namespace `threadwork/<session>/`; each sub-agent works on its own branch there, named
 * `<slug>-<6 hex digits>` (see `agentSlugFor`). Everything else (the default branch,
 * another session's branches, another agent's branch, any other ref) needs approval.
 */

export function sessionBranchPrefix(sessionId: string): string {
  return `threadwork/${sessionId}/`;
}

export function integrationBranch(sessionId: string): string {
  return `${sessionBranchPrefix(sessionId)}integration`;
}

/** The last component of every agent's working branch: a slug, a dash, six hex digits. */
const agentBranchComponent = /^[a-z0-9-]*-[0-9a-f]{6}$/;

/**
 * A branch name we accept from a model: ASCII letters, digits and `._/-` only (no
 * whitespace, no look-alike characters, no refspec `:`, `^`, `~`, `@{`), and the rules of
 * `git check-ref-format --branch`. Names that spell a full ref (`refs/…`, `HEAD`) are
 * refused rather than guessed at. Returns why the name is refused, or undefined.
 */
export function branchNameProblem(branch: string): string | undefined {
  if (branch === "") return "it is empty";
  if (branch.length > 200) return "it is longer than 200 characters";
  if (!/^[A-Za-z0-9._/-]+$/.test(branch)) {
    return "only ASCII letters, digits, '.', '_', '-' and '/' are allowed";
  }
  if (branch.startsWith("-")) return "it starts with '-'";
  if (branch.startsWith("/") || branch.endsWith("/") || branch.includes("//")) {
    return "it has an empty path component";
  }
  if (branch.endsWith(".") || branch.includes("..")) return "it contains '..' or ends with '.'";
  const parts = branch.split("/");
  if (parts.some((part) => part.startsWith(".") || part.endsWith(".lock"))) {
    return "a component starts with '.' or ends with '.lock'";
  }
  if (branch === "HEAD" || parts[0] === "refs") return "name the branch itself, not a ref (refs/…, HEAD)";
  return undefined;
}

interface BranchEffect {
  risk: ToolRisk;
  /** Why a human must look, in words for the approval message; undefined when safe. */
  reason?: string;
}

/** Whether merging (and pushing) into `target` stays inside this session's own branches. */
export function mergeTargetEffect(sessionId: string, target: string | undefined): BranchEffect {
  if (target === undefined || target === integrationBranch(sessionId)) return { risk: "safe" };
  const prefix = sessionBranchPrefix(sessionId);
  if (!target.startsWith(prefix)) {
    return {
      risk: "risky",
      reason: `${target} is outside this session's branches (${prefix}…): it may be the default branch or belong to someone else`,
    };
  }
  const rest = target.slice(prefix.length).split("/");
  if (rest.some((part) => agentBranchComponent.test(part))) {
    return { risk: "risky", reason: `${target} has the form of another agent's working branch` };
  }
  return { risk: "safe" };
}
