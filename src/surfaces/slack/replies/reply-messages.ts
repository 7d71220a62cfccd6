import type { SlackApi } from "../../../adapters/slack/slack-api.ts";
import { slackErrorOf } from "../../../adapters/slack/slack-errors.ts";
import type { AgentSessionStatus } from "../../../domain/agent-session-status.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import { feedbackBlock } from "../blocks/feedback.ts";
import { type SlackThread, threadScope } from "../session-threads.ts";
import { noUnfurls } from "./reply-turn.ts";

/** Where a user's own workspace is known when no event said it (`users.info`). */
/** A channel of a thread's installation: where a reply's later calls go, with whose token. */
export type ThreadPlace = Pick<SlackThread, "teamId" | "enterpriseId" | "channel">;

export interface OwnerTeams {
  /** `scope`: the installation whose token looks the person up (with many installations). */
  profileOf(userId: string, scope?: TeamScope): Promise<{ teamId: string | undefined }>;
}

/**
 * The Slack calls that write a reply's messages, always as `markdown_text` (never mrkdwn `text`,
 * where a `<url|label>` would be a live disguised link).
 */
export class ReplyMessages {
  private readonly api: SlackApi;
  private readonly users: OwnerTeams | undefined;
  private readonly onShown: (thread: SlackThread) => void;

  constructor(api: SlackApi, users: OwnerTeams | undefined, onShown: (thread: SlackThread) => void) {
    this.api = api;
    this.users = users;
    this.onShown = onShown;
  }

  /** Starts a stream to the thread's owner; resolves with its ts. */
  async startStream(thread: SlackThread, piece: string): Promise<string> {
    const response = await this.api.call(
      "chat.startStream",
      {
        channel: thread.channel,
        thread_ts: thread.threadTs,
        markdown_text: piece,
        recipient_user_id: thread.ownerId,
        recipient_team_id: await this.recipientTeam(thread),
      },
      { scope: threadScope(thread) },
    );
    this.onShown(thread);
    return String(response.ts);
  }

  async append(place: ThreadPlace, ts: string, piece: string): Promise<void> {
    await this.api.call(
      "chat.appendStream",
      { channel: place.channel, ts, markdown_text: piece },
      { scope: threadScope(place) },
    );
  }

  /**
   * Stops a stream, with the agent session status it leaves. `feedback` adds the buttons under a
   * final answer: a nicety, so where Slack refuses them the stream still stops without them.
   */
  async stopStream(
    place: ThreadPlace,
    ts: string,
    options: { piece?: string; sessionStatus: AgentSessionStatus | undefined; feedback: boolean },
  ): Promise<void> {
    const { piece, sessionStatus, feedback } = options;
    const stop = (withButtons: boolean) =>
      this.api.call(
        "chat.stopStream",
        {
          channel: place.channel,
          ts,
          ...(piece ? { markdown_text: piece } : {}),
          ...(sessionStatus ? { session_status: sessionStatus } : {}),
          ...(withButtons ? { blocks: [feedbackBlock()] } : {}),
        },
        { scope: threadScope(place) },
      );
    await stop(feedback).catch((error: unknown) => {
      if (!feedback || slackErrorOf(error) !== "invalid_blocks") throw error;
      return stop(false);
    });
  }

  /** Posts a message in the thread; resolves with its ts. */
  async post(thread: SlackThread, piece: string): Promise<string> {
    const response = await this.api.call(
      "chat.postMessage",
      {
        channel: thread.channel,
        thread_ts: thread.threadTs,
        markdown_text: piece,
        ...noUnfurls,
      },
      { scope: threadScope(thread) },
    );
    this.onShown(thread);
    return String(response.ts);
  }

  async update(place: ThreadPlace, ts: string, text: string): Promise<void> {
    await this.api.call(
      "chat.update",
      { channel: place.channel, ts, markdown_text: text },
      { scope: threadScope(place) },
    );
  }

  /** `recipient_team_id` is the owner's own workspace, which differs from ours for Slack Connect and Grid users. */
  private async recipientTeam(thread: SlackThread): Promise<string> {
    if (thread.ownerTeamId) return thread.ownerTeamId;
    const profile = await this.users?.profileOf(thread.ownerId, threadScope(thread));
    return profile?.teamId ?? thread.teamId;
  }
}
