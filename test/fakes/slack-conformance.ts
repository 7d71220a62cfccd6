import { blockKitLimits, blockLimitError, viewLimitError } from "./slack-block-limits.ts";
import type { FakeConversations } from "./slack-conversations.ts";
import { type MethodRule, methodRules, scopesFor } from "./slack-method-rules.ts";

export interface ConformanceContext {
  conversations: FakeConversations;
  grantedScopes: ReadonlySet<string>;
  /** The app declares `features.agent_view`, as Threadwork's manifest does. */
  agentView: boolean;
}

/** How Slack treats a call it does not take as sent. */
export interface Refusal {
  /** What Slack answers with `ok: false`; undefined when Slack answers ok and ignores the call. */
  error: string | undefined;
  /** Why the call is malformed; undefined for a missing scope, which is how the app was installed. */
  violation: string | undefined;
  /** Extra fields of Slack's answer, e.g. `needed` and `provided` for `missing_scope`. */
  extra?: Record<string, unknown>;
}

const streamChunkTypes = new Set(["markdown_text", "task_update", "plan_update", "blocks"]);
const taskStatuses = new Set(["pending", "in_progress", "complete", "error"]);
const sessionStatuses = new Set(["active", "processing", "suspended", "closed"]);

function refused(error: string, violation: string): Refusal {
  return { error, violation };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** `invalid_chunks` when a stream chunk is not one Slack knows or breaks its limits. */
function chunksError(chunks: unknown): string | undefined {
  if (chunks === undefined) return undefined;
  if (!Array.isArray(chunks)) return "invalid_chunks";
  for (const chunk of chunks as Record<string, unknown>[]) {
    if (typeof chunk !== "object" || chunk === null || !streamChunkTypes.has(String(chunk.type)))
      return "invalid_chunks";
    if (chunk.type === "markdown_text") {
      if (typeof chunk.text !== "string" || chunk.text.length > blockKitLimits.markdownText)
        return "invalid_chunks";
    } else if (chunk.type === "task_update") {
      if (typeof chunk.id !== "string" || typeof chunk.title !== "string") return "invalid_chunks";
      if (!taskStatuses.has(String(chunk.status))) return "invalid_chunks";
    } else if (chunk.type === "plan_update") {
      if (typeof chunk.title !== "string") return "invalid_chunks";
    } else if (blockLimitError({ blocks: chunk.blocks })) {
      return "invalid_chunks";
    }
  }
  return undefined;
}

function argumentsRefusal(method: string, rule: MethodRule, params: Record<string, unknown>) {
  for (const key of rule.required) {
    // An empty status is how assistant.threads.setStatus clears one.
    if (present(params[key]) || (key === "status" && params[key] === "")) continue;
    const error = key === "channel" || key === "channel_id" ? "channel_not_found" : "invalid_arguments";
    return refused(error, `${method} without ${key}`);
  }
  if (rule.oneOf && !rule.oneOf.some((key) => present(params[key]))) {
    const error = rule.oneOf.includes("text") ? "no_text" : "invalid_arguments";
    return refused(error, `${method} needs one of ${rule.oneOf.join(", ")}`);
  }
  return undefined;
}

function scopeRefusal(rule: MethodRule, params: Record<string, unknown>, context: ConformanceContext) {
  const channel = params.channel ?? params.channel_id;
  const type = typeof channel === "string" ? context.conversations.typeOf(channel) : undefined;
  const needed = scopesFor(rule, type);
  if (needed.length === 0 || needed.some((scope) => context.grantedScopes.has(scope))) return undefined;
  return {
    error: "missing_scope",
    violation: undefined,
    extra: { needed: needed.join(","), provided: [...context.grantedScopes].join(",") },
  };
}

/** Rules of single methods that the argument table cannot say. */
function methodRefusal(
  method: string,
  params: Record<string, unknown>,
  context: ConformanceContext,
): Refusal | undefined {
  if (method.startsWith("chat.") && method !== "chat.getPermalink" && method !== "chat.delete") {
    const error = blockLimitError(params);
    if (error) return refused(error, `${method}: ${error} (Block Kit or text limits)`);
  }
  if (method.startsWith("views.")) {
    const error = viewLimitError(params);
    if (error) return refused(error, `${method}: the view breaks a Block Kit or modal limit`);
  }
  switch (method) {
    case "chat.startStream": {
      const channel = String(params.channel);
      // "Required when streaming to channels" (chat.startStream): anywhere but a DM with the app.
      if (
        context.conversations.typeOf(channel) !== "im" &&
        (!present(params.recipient_user_id) || !present(params.recipient_team_id))
      ) {
        return refused(
          "invalid_arguments",
          "chat.startStream outside a DM needs recipient_user_id and recipient_team_id",
        );
      }
      const mode = params.task_display_mode;
      if (mode !== undefined && mode !== "timeline" && mode !== "plan")
        return refused("invalid_arguments", `chat.startStream task_display_mode ${String(mode)}`);
      break;
    }
    case "chat.stopStream":
      if (params.session_status !== undefined && !sessionStatuses.has(String(params.session_status)))
        return refused(
          "invalid_arguments",
          `chat.stopStream session_status ${String(params.session_status)}`,
        );
      break;
    case "assistant.threads.setSuggestedPrompts": {
      const prompts = params.prompts;
      const valid =
        Array.isArray(prompts) &&
        prompts.length >= 1 &&
        prompts.length <= 4 &&
        prompts.every(
          (prompt) =>
            typeof prompt === "object" &&
            prompt !== null &&
            typeof (prompt as { title?: unknown }).title === "string" &&
            typeof (prompt as { message?: unknown }).message === "string",
        );
      if (!valid)
        return refused("invalid_arguments", "setSuggestedPrompts takes one to four {title, message}");
      // "Including it in a call for an agent app will cause the call to silently fail."
      if (context.agentView && present(params.thread_ts)) {
        return {
          error: undefined,
          violation: "setSuggestedPrompts with thread_ts is silently dropped under agent_view",
        };
      }
      break;
    }
    case "agents.sessions.setStatus":
      if (!sessionStatuses.has(String(params.status)))
        return refused("invalid_arguments", `agents.sessions.setStatus status ${String(params.status)}`);
      if (typeof params.title === "string" && params.title.length > 200)
        return refused("invalid_arguments", "agents.sessions.setStatus title over 200 characters");
      break;
    case "agents.sessions.rename":
      if (typeof params.title !== "string" || params.title.length > 200)
        return refused("invalid_arguments", "agents.sessions.rename title must be 1-200 characters");
      break;
  }
  if (method === "chat.startStream" || method === "chat.appendStream" || method === "chat.stopStream") {
    const error = chunksError(params.chunks);
    if (error) return refused(error, `${method}: a chunk Slack does not accept`);
  }
  return undefined;
}

/**
 * How real Slack would treat this call, or undefined when it takes it: arguments the SDK
 * types as required, the token's scopes, Block Kit limits and each method's own rules.
 * Methods outside `methodRules` are taken as sent.
 */
export function conformanceRefusal(
  method: string,
  params: Record<string, unknown>,
  context: ConformanceContext,
): Refusal | undefined {
  const rule = methodRules[method];
  if (!rule) return undefined;
  return (
    argumentsRefusal(method, rule, params) ??
    scopeRefusal(rule, params, context) ??
    methodRefusal(method, params, context)
  );
}
