import type { ApprovalPolicy } from "./decision-rule.ts";
import type { SessionSettings, SettingRole } from "./session-settings.ts";

/** What an admin set for a channel (`/threadwork settings`); an absent field falls back. */
export interface ChannelSettings {
  repository?: string | undefined;
  baseBranch?: string | undefined;
  models?: Partial<Record<SettingRole, string>> | undefined;
  budgetUsd?: number | undefined;
  /** User ids (U…, W…) and user group ids (S…) who may decide besides the deployment's approvers. */
  approvers?: string[] | undefined;
  approvalPolicy?: ApprovalPolicy | undefined;
  /** Users and user groups who may start sessions here; anyone the deployment allows when absent. */
  starters?: string[] | undefined;
  mcpServers?: string[] | undefined;
  mcpTools?: string[] | undefined;
}

/** The names of the settings, in the order they are shown and recorded. */
export const channelSettingNames = [
  "repository",
  "baseBranch",
  "models",
  "budgetUsd",
  "approvers",
  "approvalPolicy",
  "starters",
  "mcpServers",
  "mcpTools",
] as const satisfies readonly (keyof ChannelSettings)[];
export type ChannelSettingName = (typeof channelSettingNames)[number];

/** Where the repository in force came from. */
export type RepositorySource = "channel" | "topic" | "deployment";

/** A channel's settings in force for a new session, before user groups are resolved. */
export interface SettingsInForce {
  repository: { name: string; baseBranch: string | undefined; source: RepositorySource } | undefined;
  /** The channel's own settings, as set (the repository's fields aside). */
  channel: ChannelSettings;
}

const topicRepository = /(?:^|\s)repo:([A-Za-z0-9._/-]+?)(?:@([A-Za-z0-9._/-]+))?(?=$|[\s,;)])/;

/** `repo:NAME` or `repo:NAME@branch` in a channel topic; undefined when there is none. */
export function repositoryFromTopic(
  topic: string | undefined,
): { name: string; baseBranch?: string } | undefined {
  const match = topic ? topicRepository.exec(topic) : null;
  if (!match?.[1]) return undefined;
  return match[2] ? { name: match[1], baseBranch: match[2] } : { name: match[1] };
}

/**
 * The settings a new session in a channel runs with: the channel's explicit repository, else a
 * configured repository its topic names (`repo:NAME`), else the deployment's default. A topic
 * naming a repository that is not configured is ignored. Everything else is the channel's or,
 * when unset, the deployment's.
 */
export function resolveChannelSettings(input: {
  explicit: ChannelSettings | undefined;
  topic: string | undefined;
  deployment: { repositories: readonly string[]; defaultRepository: string | undefined };
}): SettingsInForce {
  const channel = input.explicit ?? {};
  const known = (name: string) => input.deployment.repositories.includes(name);
  const fromTopic = repositoryFromTopic(input.topic);
  let repository: SettingsInForce["repository"];
  if (channel.repository && known(channel.repository)) {
    repository = { name: channel.repository, baseBranch: channel.baseBranch, source: "channel" };
  } else if (fromTopic && known(fromTopic.name)) {
    repository = { name: fromTopic.name, baseBranch: fromTopic.baseBranch, source: "topic" };
  } else if (input.deployment.defaultRepository) {
    repository = { name: input.deployment.defaultRepository, baseBranch: undefined, source: "deployment" };
  }
  return { repository, channel };
}

/** The session's settings once groups are resolved to their members (`approverIds`). */
export function sessionSettingsFrom(
  inForce: SettingsInForce,
  approverIds: string[] | undefined,
): SessionSettings {
  const { channel, repository } = inForce;
  const fromChannel = repository && repository.source !== "deployment";
  return {
    ...(fromChannel ? { repository: repository.name } : {}),
    ...(fromChannel && repository.baseBranch ? { baseBranch: repository.baseBranch } : {}),
    ...(channel.models && Object.keys(channel.models).length > 0 ? { models: channel.models } : {}),
    ...(channel.budgetUsd !== undefined ? { budgetUsd: channel.budgetUsd } : {}),
    ...(approverIds && approverIds.length > 0 ? { approverIds } : {}),
    ...(channel.approvalPolicy ? { approvalPolicy: channel.approvalPolicy } : {}),
    ...(channel.mcpServers ? { mcpServers: channel.mcpServers } : {}),
    ...(channel.mcpTools && channel.mcpTools.length > 0 ? { mcpTools: channel.mcpTools } : {}),
  };
}

/** `<@U…>` for a user, `<!subteam^S…>` for a user group. */
export function mentionOf(id: string): string {
  return id.startsWith("S") ? `<!subteam^${id}>` : `<@${id}>`;
}

function budgetText(usd: number): string {
  return Number.isInteger(usd) ? `$${usd}` : `$${usd.toFixed(2)}`;
}

/**
 * One line naming what a channel changes for its sessions, e.g.
 * `Channel settings: repo acme/web@main · budget $5 · approvers @group`; undefined when the
 * channel changes nothing (no setting, no `repo:` in the topic).
 */
export function settingsLine(inForce: SettingsInForce): string | undefined {
  const { channel, repository } = inForce;
  const parts: string[] = [];
  if (repository && repository.source !== "deployment") {
    const branch = repository.baseBranch ? `@${repository.baseBranch}` : "";
    parts.push(`repo ${repository.name}${branch}${repository.source === "topic" ? " (from the topic)" : ""}`);
  }
  const models = Object.entries(channel.models ?? {});
  if (models.length > 0) parts.push(`models ${models.map(([role, model]) => `${role} ${model}`).join(", ")}`);
  if (channel.budgetUsd !== undefined) parts.push(`budget ${budgetText(channel.budgetUsd)}`);
  if (channel.approvers && channel.approvers.length > 0) {
    parts.push(`approvers ${channel.approvers.map(mentionOf).join(" ")}`);
  }
  if (channel.approvalPolicy) parts.push(`policy ${channel.approvalPolicy}`);
  if (channel.starters && channel.starters.length > 0) {
    parts.push(`started by ${channel.starters.map(mentionOf).join(" ")}`);
  }
  if (channel.mcpServers) {
    parts.push(`MCP ${channel.mcpServers.length > 0 ? channel.mcpServers.join(", ") : "none"}`);
  }
  return parts.length > 0 ? `Channel settings: ${parts.join(" · ")}` : undefined;
}

/** The settings whose value differs between `before` and `after`, with the new value. */
export function changedSettings(
  before: ChannelSettings | undefined,
  after: ChannelSettings,
): { setting: ChannelSettingName; value: unknown }[] {
  const previous: ChannelSettings = before ?? {};
  return channelSettingNames.flatMap((setting) => {
    const old = JSON.stringify(previous[setting] ?? null);
    const next = JSON.stringify(after[setting] ?? null);
    return old === next ? [] : [{ setting, value: after[setting] ?? null }];
  });
}
