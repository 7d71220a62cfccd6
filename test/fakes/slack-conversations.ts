/** The conversation types Slack tells apart, as `conversations.info` and the scopes name them. */
export type ConversationType = "public_channel" | "private_channel" | "mpim" | "im";

/**
 * What kind of conversation a channel id is, for the fake's scope checks and stream rules.
 * Unregistered ids go by their prefix: `D…` a DM, `G…` a private channel, anything else public.
 */
export class FakeConversations {
  private readonly types = new Map<string, ConversationType>();
  private readonly topics = new Map<string, string>();

  /** The channel's topic, which `conversations.info` shows as `channel.topic.value`. */
  setTopic(channel: string, topic: string): void {
    this.topics.set(channel, topic);
  }

  /** `conversations.info` as Slack answers it: a public channel needs channels:read, a private one groups:read. */
  info(channel: string, hasScope: (scope: string) => boolean): Record<string, unknown> {
    if (!/^[CDG][A-Z0-9]+$/.test(channel)) return { ok: false, error: "channel_not_found" };
    const type = this.typeOf(channel);
    const needed = {
      public_channel: "channels:read",
      private_channel: "groups:read",
      mpim: "mpim:read",
      im: "im:read",
    }[type];
    if (!hasScope(needed)) return { ok: false, error: "missing_scope", needed };
    return {
      ok: true,
      channel: {
        id: channel,
        is_channel: type === "public_channel",
        is_private: type === "private_channel",
        is_im: type === "im",
        is_mpim: type === "mpim",
        topic: { value: this.topics.get(channel) ?? "", creator: "", last_set: 0 },
      },
    };
  }

  set(channel: string, type: ConversationType): void {
    this.types.set(channel, type);
  }

  typeOf(channel: string): ConversationType {
    const known = this.types.get(channel);
    if (known) return known;
    if (channel.startsWith("D")) return "im";
    if (channel.startsWith("G")) return "private_channel";
    return "public_channel";
  }
}
