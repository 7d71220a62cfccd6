import type { ConversationType } from "./slack-conversations.ts";

/**
 * What each Web API method Threadwork calls needs, as `@slack/web-api` 8.2.0 types its
 * arguments and docs.slack.dev lists its bot scopes. `test/slack/slack-method-rules.test.ts`
 * checks `required` and `oneOf` against the SDK's argument types, so this table cannot drift.
 */
export interface MethodRule {
  /** Arguments every call must carry. */
  required: readonly string[];
  /** At least one of these must be present (a message's content, a view's target). */
  oneOf?: readonly string[];
  /** Bot scopes of which the token needs one; by conversation type where the channel decides. */
  scopes: readonly string[] | Record<ConversationType, readonly string[]>;
}

const messageContent = ["text", "blocks", "attachments", "markdown_text"] as const;
const chatWrite = ["chat:write"] as const;
const codeChannels = ["code_channels:manage"] as const;

export const methodRules: Record<string, MethodRule> = {
  "auth.test": { required: [], scopes: [] },
  // Called with the app-level token (connections:write), which no bot scope covers.
  "apps.connections.open": { required: [], scopes: [] },
  "chat.postMessage": { required: ["channel"], oneOf: messageContent, scopes: chatWrite },
  "chat.postEphemeral": { required: ["channel", "user"], oneOf: messageContent, scopes: chatWrite },
  "chat.update": { required: ["channel", "ts"], oneOf: messageContent, scopes: chatWrite },
  "chat.delete": { required: ["channel", "ts"], scopes: chatWrite },
  "chat.getPermalink": { required: ["channel", "message_ts"], scopes: [] },
  "chat.startStream": { required: ["channel", "thread_ts"], scopes: chatWrite },
  // docs.slack.dev lists markdown_text as required; the SDK also allows chunks instead.
  "chat.appendStream": { required: ["channel", "ts"], oneOf: ["markdown_text", "chunks"], scopes: chatWrite },
  "chat.stopStream": { required: ["channel", "ts"], scopes: chatWrite },
  "views.open": { required: ["view"], oneOf: ["trigger_id", "interactivity_pointer"], scopes: [] },
  "views.update": { required: ["view"], oneOf: ["external_id", "view_id"], scopes: [] },
  "views.publish": { required: ["user_id", "view"], scopes: [] },
  "conversations.replies": {
    required: ["channel", "ts"],
    scopes: {
      public_channel: ["channels:history"],
      private_channel: ["groups:history"],
      mpim: ["mpim:history"],
      im: ["im:history"],
    },
  },
  // A DM with `users` needs im:write; the other scopes open group DMs and channels.
  "conversations.open": {
    required: [],
    oneOf: ["channel", "users"],
    scopes: ["im:write", "mpim:write", "channels:manage", "groups:write"],
  },
  "conversations.info": {
    required: ["channel"],
    scopes: {
      public_channel: ["channels:read"],
      private_channel: ["groups:read"],
      mpim: ["mpim:read"],
      im: ["im:read"],
    },
  },
  "users.info": { required: ["user"], scopes: ["users:read"] },
  "usergroups.users.list": { required: ["usergroup"], scopes: ["usergroups:read"] },
  "files.info": { required: ["file"], scopes: ["files:read"] },
  "files.getUploadURLExternal": { required: ["filename", "length"], scopes: ["files:write"] },
  "files.completeUploadExternal": { required: ["files"], scopes: ["files:write"] },
  "reactions.add": { required: ["channel", "timestamp", "name"], scopes: ["reactions:write"] },
  // Since 2026-03-05 chat:write is enough (docs.slack.dev/changelog/2026/03/05/set-status-scope-update).
  "assistant.threads.setStatus": {
    required: ["channel_id", "status", "thread_ts"],
    scopes: ["assistant:write", "chat:write"],
  },
  "assistant.threads.setSuggestedPrompts": {
    required: ["channel_id", "prompts"],
    scopes: ["assistant:write"],
  },
  "assistant.threads.setTitle": {
    required: ["channel_id", "thread_ts", "title"],
    scopes: ["assistant:write"],
  },
  "agents.sessions.setStatus": { required: ["channel_id", "status"], scopes: chatWrite },
  "agents.sessions.rename": { required: ["channel_id", "title"], scopes: chatWrite },
  "agents.conversations.create": { required: ["name"], scopes: codeChannels },
  "agents.conversations.setProperties": { required: ["channel_id"], scopes: codeChannels },
  "agents.conversations.setView": { required: ["channel_id"], scopes: codeChannels },
  "agents.conversations.listViews": { required: ["channel_id"], scopes: codeChannels },
  "agents.conversations.removeView": { required: ["channel_id"], scopes: codeChannels },
  "agents.conversations.setCommands": { required: ["channel_id", "commands"], scopes: codeChannels },
  "agents.conversations.archive": { required: ["channel_id"], scopes: codeChannels },
  "agents.conversations.getCanvas": { required: ["channel", "canvas_id"], scopes: codeChannels },
  "agents.conversations.setCanvasContent": {
    required: ["channel", "canvas_id", "content"],
    scopes: codeChannels,
  },
};

/**
 * Scopes that a feature turned on by hand adds to an install, so `manifest.json` leaves them out
 * by design: code channels need Slack Code in the workspace (docs/slack.md, "Code channels").
 * Tests that use such a feature grant the scope (`fake.grantedScopes.add(…)`).
 */
export const optInScopes: ReadonlySet<string> = new Set(["code_channels:manage"]);

/** The bot scopes a manifest bot event needs (docs.slack.dev/reference/events). */
export const eventScopes: Record<string, readonly string[]> = {
  app_home_opened: [],
  app_uninstalled: [],
  tokens_revoked: [],
  app_mention: ["app_mentions:read"],
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  "message.im": ["im:history"],
  "message.mpim": ["mpim:history"],
  assistant_thread_started: ["assistant:write"],
  assistant_thread_context_changed: ["assistant:write"],
  agent_session_stopped: [],
  agent_session_title_changed: [],
  reaction_added: ["reactions:read"],
};

/** The conversation type each `message.*` event delivers. */
export const messageEventConversations: Record<string, ConversationType> = {
  "message.channels": "public_channel",
  "message.groups": "private_channel",
  "message.mpim": "mpim",
  "message.im": "im",
};

/** Scopes of which the token needs one for `method` in a conversation of `type`. */
export function scopesFor(rule: MethodRule, type: ConversationType | undefined): readonly string[] {
  if (Array.isArray(rule.scopes)) return rule.scopes;
  const byType = rule.scopes as Record<ConversationType, readonly string[]>;
  return byType[type ?? "public_channel"];
}
