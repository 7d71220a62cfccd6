import { z } from "zod";
import type { ChannelSettings } from "../../../domain/channel-settings.ts";
import { approvalPolicies } from "../../../domain/decision-rule.ts";
import { type SettingRole, settingRoles } from "../../../domain/session-settings.ts";
import { deploymentChoice, settingsFields, settingsValue } from "../blocks/channel-settings-modal.ts";
import type { SettingsChoices } from "./settings-store.ts";

const elementSchema = z.looseObject({
  value: z.string().nullable().optional(),
  selected_option: z.looseObject({ value: z.string() }).nullable().optional(),
  selected_options: z.array(z.looseObject({ value: z.string() })).optional(),
  selected_users: z.array(z.string()).optional(),
  selected_conversation: z.string().nullable().optional(),
});
type Element = z.infer<typeof elementSchema>;

const stateSchema = z.object({
  values: z.record(z.string(), z.record(z.string(), elementSchema)),
});

const userId = /^[UW][A-Z0-9]{2,}$/;
const groupId = /^S[A-Z0-9]{2,}$/;
const channelId = /^[CG][A-Z0-9]{2,}$/;
const branchName = /^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/;

/** What a submitted settings modal sets, or the problems to show beside its fields. */
export type SettingsSubmission =
  | { ok: true; channel: string | undefined; settings: ChannelSettings }
  | { ok: false; errors: Record<string, string> };

/** Group ids typed as `S0123`, `<!subteam^S0123|@ops>` or `@ops` pasted as a mention, comma- or space-separated. */
function groupIds(text: string | undefined): string[] | undefined {
  if (!text?.trim()) return [];
  const ids = text
    .split(/[\s,]+/)
    .filter((word) => word !== "")
    .map((word) => /^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word)?.[1] ?? word);
  return ids.every((id) => groupId.test(id)) ? ids : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The settings a submitted modal sets, checked against what the deployment offers: the view is
 * the submitter's to forge, so every value is one the modal could have offered.
 */
export function readSettingsSubmission(
  state: unknown,
  choices: SettingsChoices,
  deploymentApprovers: readonly string[],
): SettingsSubmission {
  const parsed = stateSchema.safeParse(state);
  const values = parsed.success ? parsed.data.values : {};
  const field = (blockId: string): Element | undefined => values[blockId]?.[settingsValue];
  const picked = (blockId: string) => {
    const value = field(blockId)?.selected_option?.value;
    return value === undefined || value === deploymentChoice ? undefined : value;
  };
  const typed = (blockId: string) => field(blockId)?.value?.trim() || undefined;
  const errors: Record<string, string> = {};
  const settings: ChannelSettings = {};

  const pickedChannel = field(settingsFields.channel)?.selected_conversation ?? undefined;
  if (pickedChannel !== undefined && !channelId.test(pickedChannel)) {
    errors[settingsFields.channel] = "Pick a channel.";
  }
  const repository = picked(settingsFields.repository);
  if (repository !== undefined) {
    if (choices.repositories.includes(repository)) settings.repository = repository;
    else errors[settingsFields.repository] = "Not a configured repository.";
  }
  const baseBranch = typed(settingsFields.baseBranch);
  if (baseBranch !== undefined) {
    if (!branchName.test(baseBranch)) errors[settingsFields.baseBranch] = "Not a branch name.";
    else if (!settings.repository)
      errors[settingsFields.baseBranch] = "A base branch goes with a repository: choose one.";
    else settings.baseBranch = baseBranch;
  }
  const models: Partial<Record<SettingRole, string>> = {};
  for (const role of settingRoles) {
    const model = picked(settingsFields.model(role));
    if (model === undefined) continue;
    if (choices.models.includes(model)) models[role] = model;
    else errors[settingsFields.model(role)] = "Not a configured model.";
  }
  if (Object.keys(models).length > 0) settings.models = models;
  const budget = typed(settingsFields.budgetUsd);
  if (budget !== undefined) {
    const usd = Number(budget);
    if (Number.isFinite(usd) && usd > 0 && usd <= 1_000_000) settings.budgetUsd = usd;
    else errors[settingsFields.budgetUsd] = "A number of dollars above 0.";
  }
  const people = (blockId: string, groupsBlockId: string): string[] | undefined => {
    const users = field(blockId)?.selected_users ?? [];
    const groups = groupIds(typed(groupsBlockId));
    if (users.some((id) => !userId.test(id))) errors[blockId] = "Pick people.";
    if (!groups) errors[groupsBlockId] = "User group ids start with S (S0123ABCD), separated by commas.";
    const all = unique([...users, ...(groups ?? [])]);
    return all.length > 0 ? all : undefined;
  };
  settings.approvers = people(settingsFields.approverUsers, settingsFields.approverGroups);
  settings.starters = people(settingsFields.starterUsers, settingsFields.starterGroups);
  const policy = picked(settingsFields.approvalPolicy);
  if (policy !== undefined) {
    const known = approvalPolicies.find((item) => item === policy);
    if (!known) errors[settingsFields.approvalPolicy] = "Not a policy.";
    else if (known === "approvers-only" && !settings.approvers && deploymentApprovers.length === 0) {
      errors[settingsFields.approvalPolicy] = "approvers-only needs at least one approver.";
    } else settings.approvalPolicy = known;
  }
  readMcp(field, choices, settings, errors);
  for (const key of Object.keys(settings) as (keyof ChannelSettings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, channel: pickedChannel, settings };
}

function readMcp(
  field: (blockId: string) => Element | undefined,
  choices: SettingsChoices,
  settings: ChannelSettings,
  errors: Record<string, string>,
): void {
  const servers = (field(settingsFields.mcpServers)?.selected_options ?? []).map((item) => item.value);
  if (servers.some((server) => !choices.mcpServers.includes(server))) {
    errors[settingsFields.mcpServers] = "Not a configured MCP server.";
  } else if (servers.length > 0) settings.mcpServers = unique(servers);
  const tools = (field(settingsFields.mcpTools)?.value ?? "").split(/[\s,]+/).filter((entry) => entry !== "");
  const valid = (entry: string) => {
    const [server, tool, ...rest] = entry.split(":");
    return rest.length === 0 && !!tool && !!server && choices.mcpServers.includes(server);
  };
  if (tools.some((entry) => !valid(entry))) {
    errors[settingsFields.mcpTools] = "Write server:tool for a configured server, separated by commas.";
  } else if (tools.length > 0) settings.mcpTools = unique(tools);
}
