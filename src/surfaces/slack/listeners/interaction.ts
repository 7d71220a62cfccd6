import { z } from "zod";

/** The parts of a block_actions payload the listeners read. */
const blockActionSchema = z.looseObject({
  user: z.looseObject({ id: z.string(), team_id: z.string().optional() }),
  /** Null for an app installed org-wide on Enterprise Grid: the clicker's team is `user.team_id`. */
  team: z.looseObject({ id: z.string() }).nullable().optional(),
  enterprise: z.looseObject({ id: z.string() }).nullable().optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  container: z
    .looseObject({ channel_id: z.string().optional(), thread_ts: z.string().optional() })
    .optional(),
  trigger_id: z.string().optional(),
});

export interface ClickTarget {
  user: string;
  /** The clicker's own workspace, from `user.team_id`. */
  userTeam: string | undefined;
  teamId: string | undefined;
  /** The Enterprise Grid organization of an org-wide install, from `enterprise.id`. */
  enterpriseId?: string | undefined;
  channel: string | undefined;
  threadTs: string | undefined;
  messageTs: string | undefined;
  triggerId: string | undefined;
}

export function clickTarget(body: unknown): ClickTarget | undefined {
  const parsed = blockActionSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  return {
    user: value.user.id,
    userTeam: value.user.team_id,
    teamId: value.team?.id,
    enterpriseId: value.enterprise?.id,
    channel: value.channel?.id ?? value.container?.channel_id,
    threadTs: value.message?.thread_ts ?? value.container?.thread_ts ?? value.message?.ts,
    messageTs: value.message?.ts,
    triggerId: value.trigger_id,
  };
}

export function actionValue(action: unknown): string | undefined {
  const parsed = z.looseObject({ value: z.string() }).safeParse(action);
  return parsed.success ? parsed.data.value : undefined;
}

/** The clicker as the access control sees them; a click says nothing about shared channels. */
export function clickActor(target: ClickTarget) {
  return { userId: target.user, userTeam: target.userTeam, channel: target.channel, mayBeShared: true };
}
