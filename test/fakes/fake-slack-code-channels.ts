import { createHmac } from "node:crypto";
import { blockLimitError } from "./slack-block-limits.ts";

/**
 * Slack Code for the fake Web API: `agents.conversations.*` as docs.slack.dev documents
 * them (arguments, limits, errors), code channels with their context bar, views and
 * runtime commands, and the slash-command invocations those commands send.
 * Registered by `FakeSlackServer` as `fake.codeChannels`.
 */

export interface ContextBarItem {
  key: string;
  label: string;
  icon?: string;
  url?: string;
  item_type?: "info" | "action";
}

export interface FakeView {
  viewId: string;
  type: string;
  viewKey: string | undefined;
  name: string | undefined;
  content: string | undefined;
  blocks: unknown[] | undefined;
  contentVersion: number;
  baseBranch: string | undefined;
  headBranch: string | undefined;
}

export interface FakeCommand {
  name: string;
  description?: string;
  argument_hint?: string;
  should_escape?: boolean;
}

export interface FakeCodeChannel {
  id: string;
  name: string;
  sessionId: string | undefined;
  isPrivate: boolean;
  origin: { channel: string; ts: string } | undefined;
  archived: boolean;
  summaryMessageTs: string | undefined;
  contextBar: ContextBarItem[];
  /** By view key; the diff view, a singleton, under `diff`. */
  views: Map<string, FakeView>;
  commands: FakeCommand[];
}

/** What the code channels need of the fake server. */
export interface CodeChannelHost {
  teamId: string;
  hasScope(scope: string): boolean;
  hasMessage(channel: string, ts: string): boolean;
  /** Slack shares an archived channel's summary as a reply in the origin thread. */
  shareInThread(channel: string, threadTs: string, text: string): void;
}

type Answer = Record<string, unknown>;

const icons = new Set([
  "branch",
  "folder",
  "hierarchy",
  "life-ring",
  "link",
  "globe",
  "terminal",
  "code",
  "search",
  "lock",
]);
const viewTypes = new Set(["html", "diff", "block_kit", "canvas", "pull_request"]);
/** Slack's own commands a runtime command may not take (those a code channel user meets most). */
const builtinCommands = new Set([
  "active",
  "apps",
  "archive",
  "away",
  "call",
  "collapse",
  "dm",
  "dnd",
  "expand",
  "feed",
  "invite",
  "join",
  "leave",
  "me",
  "msg",
  "mute",
  "open",
  "remind",
  "remove",
  "rename",
  "search",
  "shortcuts",
  "shrug",
  "status",
  "topic",
  "who",
]);
const maximumViews = 5;
const maximumContentBytes = 1_000_000;

const failure = (error: string): Answer => ({ ok: false, error });
const invalid = failure("invalid_arguments");

/** Form posts carry objects and arrays as JSON text; JSON posts carry them as they are. */
function structured(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function flag(value: unknown): boolean | undefined {
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  return undefined;
}

function text(value: unknown, minimum: number, maximum: number): value is string {
  return typeof value === "string" && value.length >= minimum && value.length <= maximum;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class FakeCodeChannels {
  /** False: every method answers `feature_disabled`, as for a workspace without Slack Code. */
  enabled = true;
  /** False: the app has no `slash_command_url`, Socket Mode or hosting; `setCommands` answers `no_actions_url`. */
  commandUrlConfigured = true;
  readonly channels = new Map<string, FakeCodeChannel>();
  private readonly host: CodeChannelHost;
  private counter = 0;

  constructor(host: CodeChannelHost) {
    this.host = host;
  }

  /** The only code channel, for tests that make one. */
  get only(): FakeCodeChannel | undefined {
    return this.channels.size === 1 ? [...this.channels.values()][0] : undefined;
  }

  isArchived(channel: string | undefined): boolean {
    return channel !== undefined && this.channels.get(channel)?.archived === true;
  }

  /** The form fields Slack posts when `user` runs a runtime command; throws if it is not registered. */
  commandInvocation(options: {
    channel: string;
    user: string;
    name: string;
    text?: string;
  }): Record<string, string> {
    const channel = this.channels.get(options.channel);
    if (!channel?.commands.some((command) => command.name === options.name)) {
      throw new Error(`/${options.name} is not registered in ${options.channel}`);
    }
    this.counter += 1;
    return {
      token: "verification-token",
      team_id: this.host.teamId,
      team_domain: "threadwork-test",
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: options.user,
      user_name: options.user.toLowerCase(),
      command: `/${options.name}`,
      text: options.text ?? "",
      api_app_id: "A0APP",
      is_enterprise_install: "false",
      response_url: `https://hooks.slack.invalid/commands/${this.counter}`,
      trigger_id: `trigger.command.${this.counter}`,
    };
  }

  /** The answer to an `agents.conversations.*` call. */
  answer(method: string, params: Record<string, unknown>): Answer {
    if (!this.enabled) return failure("feature_disabled");
    if (!this.host.hasScope("code_channels:manage")) {
      return { ok: false, error: "missing_scope", needed: "code_channels:manage", provided: "chat:write" };
    }
    if (method === "agents.conversations.create") return this.create(params);
    const channel = typeof params.channel_id === "string" ? params.channel_id : undefined;
    if (!channel) return invalid;
    const found = this.channels.get(channel);
    if (!found) return failure("not_agent_channel");
    switch (method) {
      case "agents.conversations.archive":
        return this.archive(found, params);
      case "agents.conversations.listViews":
        return {
          ok: true,
          views: [...found.views.values()].map((view) => ({
            view_id: view.viewId,
            view_key: view.viewKey,
            label: view.name,
            content_version: view.contentVersion,
          })),
        };
    }
    if (found.archived) return failure("is_archived");
    switch (method) {
      case "agents.conversations.setProperties":
        return this.setProperties(found, params);
      case "agents.conversations.setView":
        return this.setView(found, params);
      case "agents.conversations.setCommands":
        return this.setCommands(found, params);
      default:
        return failure("unknown_method");
    }
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(8, "0")}`;
  }

  private create(params: Record<string, unknown>): Answer {
    const originChannel = params.origin_channel_id;
    const originTs = params.origin_message_ts;
    if ((originChannel === undefined) !== (originTs === undefined)) return invalid;
    const hasOrigin = typeof originChannel === "string" && typeof originTs === "string";
    if (params.name !== undefined && !text(params.name, 1, 200)) return invalid;
    if (!hasOrigin && params.name === undefined) return invalid;
    if (params.is_private !== undefined && flag(params.is_private) === undefined) return invalid;
    const sessionId = typeof params.session_id === "string" ? params.session_id : undefined;
    const existing = [...this.channels.values()].find(
      (channel) => sessionId && channel.sessionId === sessionId,
    );
    if (existing) return { ok: true, channel_id: existing.id };
    const channel: FakeCodeChannel = {
      id: this.nextId("C0CODE"),
      name: typeof params.name === "string" ? params.name : "code-channel",
      sessionId,
      isPrivate: flag(params.is_private) ?? (hasOrigin && String(originChannel).startsWith("G")),
      origin: hasOrigin ? { channel: String(originChannel), ts: String(originTs) } : undefined,
      archived: false,
      summaryMessageTs: undefined,
      contextBar: [],
      views: new Map(),
      commands: [],
    };
    this.channels.set(channel.id, channel);
    return { ok: true, channel_id: channel.id };
  }

  private setProperties(channel: FakeCodeChannel, params: Record<string, unknown>): Answer {
    const codeChannel = structured(params.code_channel);
    const resource = structured(params.agent_resource);
    if (codeChannel === undefined && resource === undefined) return invalid;
    if (codeChannel !== undefined && !isRecord(codeChannel)) return invalid;
    if (resource !== undefined && !this.validResource(resource)) return invalid;
    const warnings: string[] = [];
    const items = codeChannel?.context_bar_items;
    let contextBar: ContextBarItem[] | undefined;
    if (items !== undefined) {
      if (!Array.isArray(items) || items.length > 5) return invalid;
      contextBar = [];
      for (const item of items) {
        if (!isRecord(item) || !text(item.key, 1, 64) || !text(item.label, 1, 128)) return invalid;
        if (item.icon !== undefined && (typeof item.icon !== "string" || !icons.has(item.icon)))
          return invalid;
        if (item.url !== undefined && !text(item.url, 1, 2048)) return invalid;
        if (item.item_type !== undefined && item.item_type !== "info" && item.item_type !== "action")
          return invalid;
        if (contextBar.some((other) => other.key === item.key)) return invalid;
        let itemType = item.item_type as ContextBarItem["item_type"];
        if (itemType === "action" && item.url !== undefined) {
          itemType = "info";
          warnings.push("action_with_url_overridden_to_info");
        }
        contextBar.push({
          ...(item as unknown as ContextBarItem),
          ...(itemType ? { item_type: itemType } : {}),
        });
      }
    }
    const summary = codeChannel?.summary_message;
    if (summary !== undefined && !(isRecord(summary) && text(summary.message_ts, 1, 64))) return invalid;
    if (contextBar) channel.contextBar = contextBar;
    return {
      ok: true,
      channel_id: channel.id,
      ...(warnings.length > 0 ? { warning: warnings.join(",") } : {}),
    };
  }

  private validResource(resource: unknown): boolean {
    const limits: Record<string, number> = { url: 2048, resource_type: 64, title: 255, provider: 64 };
    return (
      isRecord(resource) &&
      Object.entries(resource).every(
        ([key, value]) => limits[key] !== undefined && text(value, 0, limits[key]),
      )
    );
  }

  private setView(channel: FakeCodeChannel, params: Record<string, unknown>): Answer {
    const type = params.type ?? "html";
    if (typeof type !== "string" || !viewTypes.has(type)) return invalid;
    const content = params.content;
    if (type === "html" || type === "diff") {
      if (!text(content, 1, Number.POSITIVE_INFINITY)) return invalid;
      if (Buffer.byteLength(content) > maximumContentBytes) return failure("content_too_large");
    }
    const blocks = structured(params.blocks);
    if (type === "block_kit") {
      if (!Array.isArray(blocks) || blocks.length === 0) return invalid;
      const error = blockLimitError({ blocks });
      if (error) return failure(error);
    }
    if (type === "canvas" && !text(params.canvas_id, 1, 64)) return invalid;
    if (type === "pull_request" && !text(params.pr_url, 1, 2048)) return invalid;
    const viewKey = type === "diff" ? "diff" : params.view_key;
    if (type !== "diff" && type !== "pull_request" && !text(viewKey, 1, 255)) return invalid;
    const key = String(viewKey ?? params.pr_url);
    const existing = channel.views.get(key);
    // Not documented by name: Slack keeps at most five view tabs per channel.
    if (!existing && channel.views.size >= maximumViews) return failure("too_many_views");
    const view: FakeView = {
      viewId: existing?.viewId ?? this.nextId("T0VIEW"),
      type,
      viewKey: type === "diff" ? undefined : key,
      name: typeof params.name === "string" ? params.name : undefined,
      content: typeof content === "string" ? content : undefined,
      blocks: Array.isArray(blocks) ? blocks : undefined,
      contentVersion: (existing?.contentVersion ?? 0) + 1,
      baseBranch: typeof params.base_branch === "string" ? params.base_branch : undefined,
      headBranch: typeof params.head_branch === "string" ? params.head_branch : undefined,
    };
    channel.views.set(key, view);
    return {
      ok: true,
      channel_id: channel.id,
      view_id: view.viewId,
      file_id: `F${view.viewId.slice(1)}`,
      content_version: view.contentVersion,
      type,
    };
  }

  private setCommands(channel: FakeCodeChannel, params: Record<string, unknown>): Answer {
    if (!this.commandUrlConfigured) return failure("no_actions_url");
    const commands = structured(params.commands);
    if (!Array.isArray(commands) || commands.length > 10) return invalid;
    const names = new Set<string>();
    for (const command of commands) {
      if (!isRecord(command) || !text(command.name, 1, 31) || command.name.startsWith("/")) return invalid;
      if (!/^[a-z0-9_-]+$/.test(command.name)) return invalid;
      if (command.description !== undefined && typeof command.description !== "string") return invalid;
      if (command.argument_hint !== undefined && typeof command.argument_hint !== "string") return invalid;
      if (command.should_escape !== undefined && typeof command.should_escape !== "boolean") return invalid;
      if (names.has(command.name) || builtinCommands.has(command.name)) return invalid;
      names.add(command.name);
    }
    channel.commands = commands as FakeCommand[];
    return { ok: true, channel_id: channel.id, command_count: commands.length };
  }

  private archive(channel: FakeCodeChannel, params: Record<string, unknown>): Answer {
    if (channel.archived) return failure("already_archived");
    const ts = params.summary_message_ts;
    if (ts !== undefined && typeof ts !== "string") return invalid;
    // A summary that names no message of the channel is skipped; the archive still succeeds.
    if (ts && channel.origin && this.host.hasMessage(channel.id, ts)) {
      channel.summaryMessageTs = ts;
      this.host.shareInThread(channel.origin.channel, channel.origin.ts, `Summary of <#${channel.id}>`);
    }
    channel.archived = true;
    return { ok: true };
  }
}

/** Posts a runtime command invocation as Slack does: form-encoded and signed, to the Bolt receiver. */
export function sendSignedCommand(
  url: string,
  fields: Record<string, string>,
  options: { signingSecret: string },
): Promise<Response> {
  const body = new URLSearchParams(fields).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
    },
    body,
  });
}
