/** Who is at fault: the user's input, our own system, or a service we call. */
type ErrorCategory = "user" | "system" | "third_party";

export type ErrorDetails = Record<string, string | number | boolean | null | undefined>;

interface ThreadworkErrorOptions {
  category: ErrorCategory;
  details?: ErrorDetails;
  cause?: unknown;
}

/** The one base error. `details` must stay JSON-safe so pino can log it. */
export class ThreadworkError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, options: ThreadworkErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ThreadworkError";
    this.code = code;
    this.category = options.category;
    this.details = options.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      category: this.category,
      message: this.message,
      details: this.details,
    };
  }
}

export class ConfigurationError extends ThreadworkError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super("configuration_invalid", `Invalid configuration:\n  - ${problems.join("\n  - ")}`, {
      category: "user",
      details: { count: problems.length },
    });
    this.name = "ConfigurationError";
    this.problems = problems;
  }
}

/** A model provider failed after retries, or refused the request. */
export class ProviderError extends ThreadworkError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(
    message: string,
    options: { status?: number; retryable: boolean; cause?: unknown; provider: string; code?: string },
  ) {
    super(options.code ?? "provider_failed", message, {
      category: "third_party",
      cause: options.cause,
      details: { status: options.status ?? null, provider: options.provider, retryable: options.retryable },
    });
    this.name = "ProviderError";
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/**
 * The provider refused the request as longer than the model's context window (Anthropic's
 * "prompt is too long", OpenAI's `context_length_exceeded`). Compacting the transcript and
 * asking again helps; `limitTokens` is the window the provider named, when it named one.
 */
export class ContextWindowExceededError extends ProviderError {
  readonly limitTokens: number | undefined;
  constructor(
    message: string,
    options: { status?: number; cause?: unknown; provider: string; limitTokens?: number | undefined },
  ) {
    super(message, { ...options, retryable: false, code: "context_window_exceeded" });
    this.name = "ContextWindowExceededError";
    this.limitTokens = options.limitTokens;
  }
}

/** A tool refused or failed; the message goes back to the model as an error result. */
export class ToolError extends ThreadworkError {
  constructor(message: string, details?: ErrorDetails) {
    super("tool_failed", message, { category: "user", details });
    this.name = "ToolError";
  }
}

/** Another runner changed the agent first; this runner must stop without writing. */
export class StepConflictError extends ThreadworkError {
  constructor(agentId: string, expectedStep: number) {
    super("step_conflict", `Agent ${agentId} moved past step ${expectedStep} in another runner`, {
      category: "system",
      details: { agentId, expectedStep },
    });
    this.name = "StepConflictError";
  }
}

/**
 * The reason a stopping process aborts a model call or tool still running at its drain
 * deadline. Nothing is persisted for the step: the next instance runs the model call again,
 * and reports the tool call as interrupted rather than running it twice.
 */
export class InterruptedByShutdown extends ThreadworkError {
  constructor() {
    super("interrupted_by_shutdown", "Threadwork is shutting down", { category: "system" });
    this.name = "InterruptedByShutdown";
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A short, content-free name for an error, for metrics and traces: `http_429`, `ToolError`, `Error`. */
export function errorType(error: unknown): string {
  if (error instanceof ProviderError && error.status !== undefined) return `http_${error.status}`;
  if (error instanceof ThreadworkError) return error.code;
  if (error instanceof Error) return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : "Error";
  return "unknown";
}
