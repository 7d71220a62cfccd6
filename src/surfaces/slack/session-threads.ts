import { z } from "zod";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";

export const slackSurface = "slack";

/** Where a session lives in Slack. */
export interface SlackThread {
  teamId: string;
  channel: string;
  threadTs: string;
  ownerId: string;
  /** The owner's own workspace when an event said it (`user_team`, `team`); it may differ from `teamId`. */
  ownerTeamId?: string | undefined;
}

export function conversationKey(teamId: string, channel: string, threadTs: string): string {
  return `${teamId}:${channel}:${threadTs}`;
}

const metadataSchema = z.object({ channel: z.string(), threadTs: z.string(), teamId: z.string() });

/** Finds the thread of a session: remembered from the message that started it, or read back from its metadata. */
export class SessionThreads {
  private readonly known = new Map<string, SlackThread>();
  private readonly runtime: Pick<RuntimeApi, "getSession">;

  constructor(runtime: Pick<RuntimeApi, "getSession">) {
    this.runtime = runtime;
  }

  remember(sessionId: string, thread: SlackThread): void {
    this.known.set(sessionId, thread);
  }

  async get(sessionId: string): Promise<SlackThread | undefined> {
    const known = this.known.get(sessionId);
    if (known) return known;
    const session = await this.runtime.getSession(sessionId);
    if (!session || session.surface !== slackSurface) return undefined;
    const metadata = metadataSchema.safeParse(session.metadata);
    if (!metadata.success) return undefined;
    const thread = { ...metadata.data, ownerId: session.ownerId };
    this.known.set(sessionId, thread);
    return thread;
  }
}
