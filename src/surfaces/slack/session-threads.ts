import { z } from "zod";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";

export const slackSurface = "slack";

/** Where a session lives in Slack. */
export interface SlackThread {
  teamId: string;
  /** The Enterprise Grid organization of the installation the session started in. */
  enterpriseId?: string | undefined;
  channel: string;
  threadTs: string;
  ownerId: string;
  /** The owner's own workspace when an event said it (`user_team`, `team`); it may differ from `teamId`. */
  ownerTeamId?: string | undefined;
}

export function conversationKey(teamId: string, channel: string, threadTs: string): string {
  return `${teamId}:${channel}:${threadTs}`;
}

/** The installation a thread's Slack calls act for: the team its session is keyed by. */
export function threadScope(thread: Pick<SlackThread, "teamId" | "enterpriseId">): TeamScope {
  return { teamId: thread.teamId, enterpriseId: thread.enterpriseId };
}

const metadataSchema = z.object({
  channel: z.string(),
  threadTs: z.string(),
  teamId: z.string(),
  enterpriseId: z.string().optional(),
});

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
