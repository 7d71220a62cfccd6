import { z } from "zod";
import type { RequestSnapshot } from "../../runtime/surface-port.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, contextLine, markdownSection, type RenderedMessage } from "./block.ts";
import { escapeText, truncate } from "./format.ts";
import { decisionLine } from "./request-status.ts";

const actionSchema = z.looseObject({
  toolName: z.string().nullish(),
  tool: z.string().nullish(),
  description: z.string().nullish(),
  command: z.string().nullish(),
  input: z.unknown().nullish(),
  workspace: z
    .union([z.string(), z.looseObject({ repoName: z.string().nullish(), branch: z.string().nullish() })])
    .nullish(),
  branch: z.string().nullish(),
  repo: z.string().nullish(),
});

function codeBlock(text: string): string {
  return `\`\`\`${truncate(text.replaceAll("```", "'''"), 2500)}\`\`\``;
}

export interface ApprovalDetails {
  tool: string | undefined;
  workspace: string | undefined;
  description: string | undefined;
  action: string;
}

/** Reads the tool, workspace and exact action out of a request, whatever subset it carries. */
export function approvalDetails(request: RequestSnapshot): ApprovalDetails {
  const parsed = actionSchema.safeParse(request.action ?? {});
  const action = parsed.success ? parsed.data : {};
  let workspace: string | undefined;
  if (typeof action.workspace === "string") workspace = action.workspace;
  else if (action.workspace) {
    workspace = [action.workspace.repoName, action.workspace.branch].filter(Boolean).join(" @ ") || undefined;
  }
  if (!workspace && (action.repo || action.branch)) {
    workspace = [action.repo, action.branch].filter(Boolean).join(" @ ");
  }
  const input = action.input;
  const command =
    typeof input === "object" &&
    input !== null &&
    typeof (input as { command?: unknown }).command === "string"
      ? (input as { command: string }).command
      : undefined;
  const exact =
    action.command ??
    command ??
    (input === undefined || input === null ? undefined : JSON.stringify(input, null, 2)) ??
    action.description ??
    request.pattern ??
    request.prompt;
  return {
    tool: action.toolName ?? action.tool ?? undefined,
    workspace,
    description: action.description ?? undefined,
    action: exact,
  };
}

/** Agent, workspace and the exact command, with Approve, Deny and "Always allow"; once decided, who and when. */
export function renderApproval(request: RequestSnapshot): RenderedMessage {
  const details = approvalDetails(request);
  const lines = [
    `:lock: *Approval needed:* ${escapeText(request.prompt)}`,
    `*Agent:* ${escapeText(request.agentTitle)}`,
    details.workspace ? `*Workspace:* \`${escapeText(details.workspace)}\`` : undefined,
    details.tool ? `*Tool:* \`${escapeText(details.tool)}\`` : undefined,
    codeBlock(details.action),
  ].filter((line): line is string => line !== undefined);
  const text = `Approval needed: ${request.prompt}`.slice(0, 3000);
  if (request.status !== "pending") {
    return { text, blocks: [markdownSection(lines.join("\n")), decisionLine(request)] };
  }
  return {
    text,
    blocks: [
      markdownSection(lines.join("\n")),
      actionsBlock(
        [
          button({ text: "Approve", actionId: actionIds.approve, value: request.id, style: "primary" }),
          button({ text: "Deny", actionId: actionIds.deny, value: request.id, style: "danger" }),
          button({ text: "Always allow", actionId: actionIds.alwaysAllow, value: request.id }),
        ],
        `approval_${request.id}`.slice(0, 255),
      ),
      contextLine(
        request.pattern
          ? `"Always allow" allows \`${escapeText(truncate(request.pattern, 200))}\` for the rest of this session.`
          : `"Always allow" allows this action for the rest of this session.`,
      ),
    ],
  };
}
