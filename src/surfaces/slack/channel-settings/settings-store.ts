import {
  type ChannelSettingsVersion,
  channelSettingsHistory,
  currentChannelSettings,
  saveChannelSettings,
} from "../../../adapters/database/channel-settings.ts";
import type { Database } from "../../../adapters/database/open-database.ts";
import type { UsergroupMembers } from "../../../adapters/slack/usergroup-members.ts";
import type { Config } from "../../../config/config.ts";
import type { AuditRecorder } from "../../../domain/audit.ts";
import type { ChannelSettingName, ChannelSettings } from "../../../domain/channel-settings.ts";
import { formatModelRef } from "../../../domain/model.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";

export type { ChannelSettingsVersion };

/** Where channel settings and their history are kept: every call names the team. */
export interface ChannelSettingsStore {
  current(scope: TeamScope, channelId: string): Promise<ChannelSettingsVersion | undefined>;
  history(scope: TeamScope, channelId: string, limit?: number): Promise<ChannelSettingsVersion[]>;
  save(change: {
    scope: TeamScope;
    channelId: string;
    settings: ChannelSettings;
    changes: { setting: ChannelSettingName; value: unknown }[];
    changedBy: string;
  }): Promise<ChannelSettingsVersion>;
}

export function createDatabaseChannelSettingsStore(db: Database): ChannelSettingsStore {
  return {
    current: (scope, channelId) => currentChannelSettings(db, scope, channelId),
    history: (scope, channelId, limit) => channelSettingsHistory(db, scope, channelId, limit),
    save: (change) => saveChannelSettings(db, change),
  };
}

/** What a settings modal offers: the deployment's repositories, models and MCP servers. */
export interface SettingsChoices {
  repositories: string[];
  defaultRepository: string | undefined;
  /** `provider:model` references a role may be set to. */
  models: string[];
  mcpServers: string[];
}

/** What `createSlackSurface` is given for channel settings; without it `/threadwork settings` says so. */
export interface ChannelSettingsOptions {
  store: ChannelSettingsStore;
  choices: SettingsChoices;
  /** What applies where a channel sets nothing: THREADWORK_APPROVERS and THREADWORK_SESSION_BUDGET_USD. */
  deployment: { approverIds: string[]; budgetUsd: number | undefined };
  /** Each change is recorded here too (`settings-changed`); nothing when absent. */
  audit?: AuditRecorder;
}

/** Channel settings as listeners reach them (`context.channelSettings`). */
export interface ChannelSettingsContext extends ChannelSettingsOptions {
  audit: AuditRecorder;
  /** THREADWORK_ADMINS: users and user groups who may change settings besides workspace admins. */
  admins: readonly string[];
  groups: UsergroupMembers;
}

/** The choices and defaults a deployment's configuration offers channel settings. */
export function channelSettingsChoices(
  config: Pick<Config, "git" | "models" | "mcp" | "limits" | "approvals">,
  options: { repositories: boolean },
): Pick<ChannelSettingsOptions, "choices" | "deployment"> {
  const models = [config.models.supervisor, config.models.worker, config.models.strong].map(formatModelRef);
  return {
    choices: {
      repositories: options.repositories ? config.git.repositories.map((repository) => repository.name) : [],
      defaultRepository: options.repositories ? config.git.defaultRepository : undefined,
      models: [...new Set(models)],
      mcpServers: [...new Set(config.mcp.servers.map((server) => server.name))],
    },
    deployment: { approverIds: config.approvals.approverIds, budgetUsd: config.limits.sessionBudgetUsd },
  };
}
