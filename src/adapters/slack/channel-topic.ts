import { z } from "zod";
import type { SlackApi } from "./slack-api.ts";

const infoSchema = z.looseObject({
  channel: z.looseObject({ topic: z.looseObject({ value: z.string() }).optional() }),
});

/** A channel's topic (`conversations.info`); undefined when it has none or Slack will not say. */
export async function channelTopic(api: SlackApi, channel: string): Promise<string | undefined> {
  const parsed = infoSchema.safeParse(await api.call("conversations.info", { channel }));
  const topic = parsed.success ? parsed.data.channel.topic?.value : undefined;
  return topic ? topic : undefined;
}
