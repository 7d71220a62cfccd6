import { ThreadworkError } from "../../domain/errors.ts";

/** A native git command or a remote transfer failed. */
export class GitError extends ThreadworkError {
  constructor(message: string, details: { operation: string; exitCode?: number | null }, cause?: unknown) {
    super("git_failed", message, {
      category: "system",
      cause,
      details: { operation: details.operation, exitCode: details.exitCode ?? null },
    });
    this.name = "GitError";
  }
}

/** The workspace manager was asked for something that cannot be: an unknown repository, a bad name. */
export class WorkspaceRequestError extends ThreadworkError {
  constructor(message: string, details?: Record<string, string>) {
    super("workspace_request_invalid", message, { category: "user", details });
    this.name = "WorkspaceRequestError";
  }
}
