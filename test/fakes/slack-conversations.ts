/** The conversation types Slack tells apart, as `conversations.info` and the scopes name them. */
export type ConversationType = "public_channel" | "private_channel" | "mpim" | "im";

/**
 * What kind of conversation a channel id is, for the fake's scope checks and stream rules.
 * Unregistered ids go by their prefix: `D…` a DM, `G…` a private channel, anything else public.
 */
export class FakeConversations {
  private readonly types = new Map<string, ConversationType>();

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
