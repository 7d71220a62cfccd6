import type { SlackApi } from "../../../adapters/slack/slack-api.ts";
import { SlackApiError } from "../../../adapters/slack/slack-errors.ts";
import type { AgentSnapshot } from "../../../domain/agents.ts";
import type { Logger } from "../../../logger.ts";
import type { RuntimeApi } from "../../../runtime/runtime-api.ts";
import type { SurfaceEvent } from "../../../runtime/surface-port.ts";
import { markdownSection } from "../blocks/block.ts";
import { codeChannelCommandSet } from "../blocks/code-channel-commands.ts";
import { codeChannelName } from "../blocks/code-channel-context.ts";
import { renderCodeChannelSummary } from "../blocks/code-channel-views.ts";
import { isActive } from "../blocks/crew-board.ts";
import { KeyedQueue } from "../keyed-queue.ts";
import type { MessagePublisher } from "../message-publisher.ts";
import { type SessionThreads, type SlackThread, threadScope } from "../session-threads.ts";
import type { SlackStore } from "../slack-store.ts";
import { CodeChannelAvailability } from "./code-channel-availability.ts";
import { readCodeChannel, saveCodeChannel, sessionOfCodeChannel } from "./code-channel-records.ts";
import { CodeChannelTabs, type ShownTabs } from "./code-channel-tabs.ts";
import type { SessionDiffSource } from "./session-diffs.ts";

interface OpenChannel extends ShownTabs {
  round: number;
  originTs: string;
  /** A worker finished since the diff tab was last drawn. */
  diffDue: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface CodeChannelsOptions {
  api: SlackApi;
  runtime: RuntimeApi;
  store: SlackStore;
  threads: SessionThreads;
  publisher: MessagePublisher;
  logger: Logger;
  now: () => Date;
  diffs?: SessionDiffSource;
  /** Context bar and crew tab are redrawn at most this often per channel. */
  intervalMs?: number;
}

function workers(agents: AgentSnapshot[]): AgentSnapshot[] {
  return agents.filter((agent) => agent.role === "worker");
}

/** The crew is through: it had workers and none of them is queued, running or waiting. */
function workIsOver(agents: AgentSnapshot[]): boolean {
  const crew = workers(agents);
  return crew.length > 0 && !crew.some(isActive);
}

/**
 * Slack Code channels (THREADWORK_CODE_CHANNELS): when a session puts sub-agents to work
 * on a repository, a code channel is created from its thread; its context bar, crew tab and
 * diff tab follow the work, `/stop`, `/crew-status` and `/budget` work there, and it is
 * archived with a summary when the work is over. The thread carries on as always: requests,
 * replies and the crew board stay there, and where Slack has no code channels for this
 * workspace, the thread is all there is.
 */
export class CodeChannels {
  private readonly queue = new KeyedQueue();
  private readonly open = new Map<string, OpenChannel>();
  private readonly sessionsByChannel = new Map<string, string>();
  /** Sessions whose channel could not be created: they stay in their thread. */
  private readonly threadOnly = new Set<string>();
  private commandsRefusalLogged = false;
  private readonly options: CodeChannelsOptions;
  private readonly tabs: CodeChannelTabs;
  readonly availability: CodeChannelAvailability;

  constructor(options: CodeChannelsOptions) {
    this.options = options;
    this.availability = new CodeChannelAvailability(options.logger, options.now);
    this.tabs = new CodeChannelTabs(options);
  }

  /** The runtime listener. Never throws: a Slack failure is logged and the session goes on. */
  readonly listener = (event: SurfaceEvent): void => {
    if (event.type === "reply-delta" || event.type === "reply-completed") return;
    void this.queue
      .run(event.sessionId, () => this.handle(event))
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: error, sessionId: event.sessionId, type: event.type },
          "could not follow a session in its code channel",
        );
      });
  };

  /** The session a code channel belongs to, after a restart too. */
  async sessionOf(channel: string): Promise<string | undefined> {
    return this.sessionsByChannel.get(channel) ?? (await sessionOfCodeChannel(this.options.store, channel));
  }

  /** Redraws the context bar and crew tab once the channel's last redraw is `intervalMs` old. */
  schedule(sessionId: string): void {
    const open = this.open.get(sessionId);
    if (!open || open.timer) return;
    open.timer = setTimeout(() => {
      open.timer = undefined;
      void this.queue
        .run(sessionId, () => this.redraw(sessionId))
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error, sessionId }, "could not redraw a code channel");
        });
    }, this.options.intervalMs ?? 2000);
  }

  async idle(): Promise<void> {
    for (const open of this.open.values()) {
      if (open.timer) clearTimeout(open.timer);
      open.timer = undefined;
    }
    await this.queue.idle();
  }

  private async handle(event: SurfaceEvent): Promise<void> {
    const open = await this.channelOf(event.sessionId);
    if (!open) return;
    if (event.type === "agent-finished") open.diffDue = true;
    if (event.type === "session-idle") {
      const agents = await this.options.runtime.listAgents(event.sessionId);
      if (workIsOver(agents)) {
        await this.close(event.sessionId, open, agents);
        return;
      }
    }
    this.schedule(event.sessionId);
  }

  private async channelOf(sessionId: string): Promise<OpenChannel | undefined> {
    const known = this.open.get(sessionId);
    if (known || this.threadOnly.has(sessionId)) return known;
    const record = await readCodeChannel(this.options.store, sessionId);
    const thread = await this.options.threads.get(sessionId);
    if (!thread) return undefined;
    if (record && !record.archived) return this.remember(sessionId, record.channel, record.round, thread);
    if (!this.availability.available) return undefined;
    const agents = await this.options.runtime.listAgents(sessionId);
    const onRepository = workers(agents).some((agent) => agent.repository && isActive(agent));
    // A DM has no channel for a code channel to take its members and privacy from.
    if (!onRepository || thread.channel.startsWith("D")) return undefined;
    return this.create(sessionId, thread, (record?.round ?? 0) + 1);
  }

  private async create(
    sessionId: string,
    thread: SlackThread,
    round: number,
  ): Promise<OpenChannel | undefined> {
    const session = await this.options.runtime.getSession(sessionId);
    let channel: string;
    try {
      const response = await this.options.api.call(
        "agents.conversations.create",
        {
          name: codeChannelName(session?.title || "Threadwork session"),
          // Idempotent: a retry after a crash gets the same channel back.
          session_id: `threadwork-${sessionId}-${round}`,
          origin_channel_id: thread.channel,
          origin_message_ts: thread.threadTs,
        },
        { scope: threadScope(thread) },
      );
      if (typeof response.channel_id !== "string")
        throw new SlackApiError("agents.conversations.create", "no_channel_id");
      channel = response.channel_id;
    } catch (error) {
      if (!this.availability.unavailableBecause(error)) {
        this.options.logger.warn(
          { err: error, sessionId },
          "could not create a code channel; the session stays in its thread",
        );
        this.threadOnly.add(sessionId);
      }
      return undefined;
    }
    await saveCodeChannel(this.options.store, sessionId, {
      channel,
      round,
      archived: false,
      originTs: thread.threadTs,
    });
    const open = this.remember(sessionId, channel, round, thread);
    await this.options.publisher
      .publish(sessionId, `code-channel:${round}`, thread, {
        text: `The crew works in <#${channel}>.`,
        blocks: [
          markdownSection(
            `:hammer_and_wrench: The crew works in <#${channel}>: its diff, the crew and \`/stop\`, \`/crew-status\`, \`/budget\` are there. Questions and approvals stay in this thread.`,
          ),
        ],
      })
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, sessionId }, "could not link the code channel"),
      );
    await this.registerCommands(open);
    return open;
  }

  private remember(sessionId: string, channel: string, round: number, thread: SlackThread): OpenChannel {
    const open: OpenChannel = {
      channel,
      scope: threadScope(thread),
      round,
      originTs: thread.threadTs,
      diffDue: true,
      timer: undefined,
    };
    this.open.set(sessionId, open);
    this.sessionsByChannel.set(channel, sessionId);
    return open;
  }

  private async registerCommands(open: OpenChannel): Promise<void> {
    const { channel } = open;
    try {
      await this.options.api.call(
        "agents.conversations.setCommands",
        { channel_id: channel, commands: codeChannelCommandSet },
        { scope: open.scope },
      );
    } catch (error) {
      if (error instanceof SlackApiError && error.slackError === "no_actions_url") {
        if (this.commandsRefusalLogged) return;
        this.commandsRefusalLogged = true;
        this.options.logger.warn(
          "Slack has no URL for code channel commands: set features.code_channels.slash_command_url (HTTP mode)",
        );
        return;
      }
      this.options.logger.warn({ err: error, channel }, "could not register the code channel's commands");
    }
  }

  private async redraw(sessionId: string): Promise<void> {
    const open = this.open.get(sessionId);
    if (!open) return;
    const [agents, session] = await Promise.all([
      this.options.runtime.listAgents(sessionId),
      this.options.runtime.getSession(sessionId),
    ]);
    await this.tabs.showContextBar(open, { agents, costMicros: session?.costMicros ?? 0, ended: false });
    await this.tabs.showCrew(open, agents);
    if (open.diffDue) {
      open.diffDue = false;
      await this.tabs.showDiff(open, sessionId);
    }
  }

  /** The last state of the tabs, a summary, and the archive, which shares the summary in the thread. */
  private async close(sessionId: string, open: OpenChannel, agents: AgentSnapshot[]): Promise<void> {
    if (open.timer) clearTimeout(open.timer);
    open.timer = undefined;
    const session = await this.options.runtime.getSession(sessionId);
    const costMicros = session?.costMicros ?? 0;
    await this.tabs.showContextBar(open, { agents, costMicros, ended: true });
    await this.tabs.showCrew(open, agents);
    await this.tabs.showDiff(open, sessionId);
    const { api, logger } = this.options;
    let summaryTs: string | undefined;
    try {
      const summary = renderCodeChannelSummary(agents, costMicros);
      const response = await api.call(
        "chat.postMessage",
        {
          channel: open.channel,
          text: summary.text,
          blocks: summary.blocks,
          unfurl_links: false,
          unfurl_media: false,
        },
        { scope: open.scope },
      );
      summaryTs = typeof response.ts === "string" ? response.ts : undefined;
    } catch (error) {
      logger.warn({ err: error, sessionId }, "could not post the code channel's summary");
    }
    try {
      await api.call(
        "agents.conversations.archive",
        {
          channel_id: open.channel,
          ...(summaryTs ? { summary_message_ts: summaryTs } : {}),
        },
        { scope: open.scope },
      );
    } catch (error) {
      if (!(error instanceof SlackApiError && error.slackError === "already_archived")) {
        logger.warn({ err: error, sessionId }, "could not archive the code channel");
        return;
      }
    }
    this.open.delete(sessionId);
    await saveCodeChannel(this.options.store, sessionId, {
      channel: open.channel,
      round: open.round,
      archived: true,
      originTs: open.originTs,
    });
  }
}
