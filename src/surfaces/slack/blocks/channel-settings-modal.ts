import type { ChannelSettings } from "../../../domain/channel-settings.ts";
import { approvalPolicies } from "../../../domain/decision-rule.ts";
import { type SettingRole, settingRoles } from "../../../domain/session-settings.ts";
import { truncate } from "../../../domain/text.ts";
import type { SlackBlock } from "./block.ts";
import { escapeText } from "./format.ts";

/** The modal's block ids; each input's action id is `value`. */
export const settingsFields = {
  channel: "settings_channel",
  repository: "settings_repository",
  baseBranch: "settings_base_branch",
  model: (role: SettingRole) => `settings_model_${role}`,
  budgetUsd: "settings_budget",
  approverUsers: "settings_approver_users",
  approverGroups: "settings_approver_groups",
  approvalPolicy: "settings_policy",
  starterUsers: "settings_starter_users",
  starterGroups: "settings_starter_groups",
  mcpServers: "settings_mcp_servers",
  mcpTools: "settings_mcp_tools",
} as const;

export const settingsValue = "value";

/** The choice that leaves a setting to the deployment. */
export const deploymentChoice = "-";

interface SelectOption {
  text: { type: "plain_text"; text: string };
  value: string;
}

function option(value: string, text = value): SelectOption {
  return { text: { type: "plain_text", text: truncate(text, 75) }, value };
}

function input(blockId: string, label: string, element: SlackBlock, hint?: string): SlackBlock {
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: { type: "plain_text", text: label },
    element: { action_id: settingsValue, ...element },
    ...(hint ? { hint: { type: "plain_text", text: hint } } : {}),
  };
}

function select(values: readonly string[], current: string | undefined, placeholder: string): SlackBlock {
  const options = [
    option(deploymentChoice, placeholder),
    ...values.slice(0, 99).map((value) => option(value)),
  ];
  const initial = options.find((item) => item.value === (current ?? deploymentChoice));
  return { type: "static_select", options, ...(initial ? { initial_option: initial } : {}) };
}

function text(current: string | undefined, placeholder: string): SlackBlock {
  return {
    type: "plain_text_input",
    placeholder: { type: "plain_text", text: placeholder },
    ...(current ? { initial_value: current } : {}),
  };
}

function users(current: readonly string[] | undefined): SlackBlock {
  const people = (current ?? []).filter((id) => !id.startsWith("S"));
  return { type: "multi_users_select", ...(people.length > 0 ? { initial_users: people } : {}) };
}

function groups(current: readonly string[] | undefined): string | undefined {
  const ids = (current ?? []).filter((id) => id.startsWith("S"));
  return ids.length > 0 ? ids.join(", ") : undefined;
}

/** What the modal can offer, and where it was opened. */
export interface SettingsModalInput {
  /** The channel the settings are for; a channel picker when absent (App Home). */
  channel: string | undefined;
  current: ChannelSettings;
  repositories: readonly string[];
  models: readonly string[];
  mcpServers: readonly string[];
  /** What the deployment uses when a setting is left unset, in words. */
  defaults: { repository: string | undefined; budgetUsd: number | undefined };
}

function mcpBlocks(modal: SettingsModalInput): SlackBlock[] {
  if (modal.mcpServers.length === 0) return [];
  const servers = modal.mcpServers.slice(0, 100).map((name) => option(name));
  const chosen = servers.filter((item) => modal.current.mcpServers?.includes(item.value));
  return [
    { type: "header", text: { type: "plain_text", text: "MCP servers and tools" } },
    input(
      settingsFields.mcpServers,
      "MCP servers offered",
      {
        type: "multi_static_select",
        options: servers,
        ...(chosen.length > 0 ? { initial_options: chosen } : {}),
      },
      "None chosen: every configured server.",
    ),
    input(
      settingsFields.mcpTools,
      "Only these tools",
      text(modal.current.mcpTools?.join(", "), "server:tool, …"),
      "A server named here offers only the tools listed for it.",
    ),
  ];
}

/** The settings modal: one optional input per setting, prefilled with what is set. */
export function channelSettingsModal(options: {
  callbackId: string;
  metadata: Record<string, unknown>;
  input: SettingsModalInput;
}): SlackBlock {
  const { input: modal } = options;
  const current = modal.current;
  const where = modal.channel
    ? `Defaults for new sessions in <#${modal.channel}>.`
    : "Pick a channel: these become the defaults for its new sessions.";
  const deploymentRepository = modal.defaults.repository ? escapeText(modal.defaults.repository) : "none";
  const blocks: SlackBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `${where} Unset fields keep the deployment's (repository ${deploymentRepository}); a \`repo:NAME\` in the channel topic counts when no repository is set here.`,
      },
    },
    ...(modal.channel
      ? []
      : [
          {
            type: "input",
            block_id: settingsFields.channel,
            label: { type: "plain_text", text: "Channel" },
            element: {
              type: "conversations_select",
              action_id: settingsValue,
              filter: { include: ["public", "private"], exclude_bot_users: true },
            },
          },
        ]),
    { type: "header", text: { type: "plain_text", text: "Repository" } },
    input(
      settingsFields.repository,
      "Repository",
      select(modal.repositories, current.repository, "Deployment default"),
    ),
    input(
      settingsFields.baseBranch,
      "Base branch",
      text(current.baseBranch, "the repository's default branch"),
    ),
    { type: "header", text: { type: "plain_text", text: "Models and budget" } },
    ...settingRoles.map((role) =>
      input(
        settingsFields.model(role),
        `Model: ${role}`,
        select(modal.models, current.models?.[role], "Deployment default"),
      ),
    ),
    input(
      settingsFields.budgetUsd,
      "Budget per session (USD)",
      {
        type: "number_input",
        is_decimal_allowed: true,
        min_value: "0.01",
        ...(current.budgetUsd !== undefined ? { initial_value: String(current.budgetUsd) } : {}),
      },
      modal.defaults.budgetUsd === undefined ? "Unset: no budget." : `Unset: $${modal.defaults.budgetUsd}.`,
    ),
    { type: "header", text: { type: "plain_text", text: "Approvals and who may start" } },
    input(settingsFields.approverUsers, "Approvers", users(current.approvers)),
    input(
      settingsFields.approverGroups,
      "Approver user groups",
      text(groups(current.approvers), "S0123ABCD, …"),
    ),
    input(
      settingsFields.approvalPolicy,
      "Approval policy",
      select(approvalPolicies, current.approvalPolicy, "Deployment default"),
    ),
    input(
      settingsFields.starterUsers,
      "Who may start sessions",
      users(current.starters),
      "Nobody chosen: whoever the deployment allows.",
    ),
    input(
      settingsFields.starterGroups,
      "User groups who may start sessions",
      text(groups(current.starters), "S0123ABCD, …"),
    ),
    ...mcpBlocks(modal),
  ];
  return {
    type: "modal",
    callback_id: options.callbackId,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: "plain_text", text: "Channel settings" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}
