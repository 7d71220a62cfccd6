import { z } from "zod";
import { approvalPolicies } from "./decision-rule.ts";

/** The model roles a channel may choose a model for. */
export const settingRoles = ["supervisor", "worker", "strong"] as const;
export type SettingRole = (typeof settingRoles)[number];

/**
 * What one session runs with instead of the deployment's configuration, fixed when it starts
 * (a channel's settings, resolved by the surface). Absent fields keep the deployment's.
 */
export interface SessionSettings {
  repository?: string | undefined;
  baseBranch?: string | undefined;
  /** `provider:model` per role. */
  models?: Partial<Record<SettingRole, string>> | undefined;
  budgetUsd?: number | undefined;
  /** People who may decide besides the deployment's approvers: user ids, groups already resolved. */
  approverIds?: string[] | undefined;
  approvalPolicy?: (typeof approvalPolicies)[number] | undefined;
  /** The MCP servers offered; all configured ones when absent. */
  mcpServers?: string[] | undefined;
  /** `server:tool` entries: a server named here offers only these of its tools. */
  mcpTools?: string[] | undefined;
}

/** Where a session's settings are kept in its metadata. */
export const sessionSettingsKey = "settings";

const modelText = z.string().regex(/^(anthropic|openai):.+$/);

export const sessionSettingsSchema = z.object({
  repository: z.string().min(1).optional(),
  baseBranch: z.string().min(1).optional(),
  models: z.partialRecord(z.enum(settingRoles), modelText).optional(),
  budgetUsd: z.number().positive().finite().optional(),
  approverIds: z.array(z.string()).optional(),
  approvalPolicy: z.enum(approvalPolicies).optional(),
  mcpServers: z.array(z.string()).optional(),
  mcpTools: z.array(z.string()).optional(),
});

/** The settings a session's metadata carries; none when it carries none or they do not parse. */
export function sessionSettingsOf(metadata: Record<string, unknown>): SessionSettings {
  const parsed = sessionSettingsSchema.safeParse(metadata[sessionSettingsKey]);
  return parsed.success ? parsed.data : {};
}

/** Whether an MCP server's tool is offered under these settings (before the server's own policy). */
export function mcpToolOffered(settings: SessionSettings, server: string, tool: string): boolean {
  if (settings.mcpServers && !settings.mcpServers.includes(server)) return false;
  const named = (settings.mcpTools ?? []).filter((entry) => entry.startsWith(`${server}:`));
  return named.length === 0 || named.includes(`${server}:${tool}`);
}
