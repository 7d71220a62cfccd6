import type {
  AgentsConversationsArchiveArguments,
  AgentsConversationsCreateArguments,
  AgentsConversationsGetCanvasArguments,
  AgentsConversationsListViewsArguments,
  AgentsConversationsRemoveViewArguments,
  AgentsConversationsSetCanvasContentArguments,
  AgentsConversationsSetCommandsArguments,
  AgentsConversationsSetPropertiesArguments,
  AgentsConversationsSetViewArguments,
  AgentsSessionsRenameArguments,
  AgentsSessionsSetStatusArguments,
  AppsConnectionsOpenArguments,
  AssistantThreadsSetStatusArguments,
  AssistantThreadsSetSuggestedPromptsArguments,
  AssistantThreadsSetTitleArguments,
  AuthTestArguments,
  ChatAppendStreamArguments,
  ChatDeleteArguments,
  ChatGetPermalinkArguments,
  ChatPostEphemeralArguments,
  ChatPostMessageArguments,
  ChatStartStreamArguments,
  ChatStopStreamArguments,
  ChatUpdateArguments,
  ConversationsOpenArguments,
  ConversationsRepliesArguments,
  FilesCompleteUploadExternalArguments,
  FilesGetUploadURLExternalArguments,
  FilesInfoArguments,
  ReactionsAddArguments,
  UsergroupsUsersListArguments,
  UsersInfoArguments,
  ViewsOpenArguments,
  ViewsPublishArguments,
  ViewsUpdateArguments,
} from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { methodRules } from "../fakes/slack-method-rules.ts";
import { methodsCalledBySource } from "./support/source-calls.ts";

type RequiredIn<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The keys every member of a union type requires. */
type AlwaysRequired<T> = (T extends unknown ? (keys: RequiredIn<T>) => void : never) extends (
  keys: infer K,
) => void
  ? K
  : never;
/** Keys some member requires: the alternatives of a union such as a message's content. */
type SometimesRequired<T> = T extends unknown ? RequiredIn<T> : never;
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/**
 * `required` must be exactly the keys `Arguments` always requires, and each `oneOf` key one that
 * some member of it requires or at least knows; tsc refuses this file otherwise.
 */
function sdk<Arguments>() {
  return <const Required extends readonly string[], const OneOf extends readonly string[] = []>(
    required: Required & (Equal<AlwaysRequired<Arguments>, Required[number]> extends true ? unknown : never),
    oneOf?: OneOf & (OneOf[number] extends SometimesRequired<Arguments> | keyof Arguments ? unknown : never),
  ) => ({ required: [...required] as string[], oneOf: oneOf ? ([...oneOf] as string[]) : undefined });
}

const content = ["text", "blocks", "attachments", "markdown_text"] as const;

const fromSdk: Record<string, { required: string[]; oneOf: string[] | undefined }> = {
  "apps.connections.open": sdk<AppsConnectionsOpenArguments>()([]),
  "auth.test": sdk<AuthTestArguments>()([]),
  "chat.postMessage": sdk<ChatPostMessageArguments>()(["channel"], content),
  "chat.postEphemeral": sdk<ChatPostEphemeralArguments>()(["channel", "user"], content),
  "chat.update": sdk<ChatUpdateArguments>()(["channel", "ts"], content),
  "chat.delete": sdk<ChatDeleteArguments>()(["channel", "ts"]),
  "chat.getPermalink": sdk<ChatGetPermalinkArguments>()(["channel", "message_ts"]),
  "chat.startStream": sdk<ChatStartStreamArguments>()(["channel", "thread_ts"]),
  "chat.appendStream": sdk<ChatAppendStreamArguments>()(["channel", "ts"], ["markdown_text", "chunks"]),
  "chat.stopStream": sdk<ChatStopStreamArguments>()(["channel", "ts"]),
  "views.open": sdk<ViewsOpenArguments>()(["view"], ["trigger_id", "interactivity_pointer"]),
  "views.update": sdk<ViewsUpdateArguments>()(["view"], ["external_id", "view_id"]),
  "views.publish": sdk<ViewsPublishArguments>()(["user_id", "view"]),
  "conversations.replies": sdk<ConversationsRepliesArguments>()(["channel", "ts"]),
  "users.info": sdk<UsersInfoArguments>()(["user"]),
  "conversations.open": sdk<ConversationsOpenArguments>()([], ["channel", "users"]),
  "usergroups.users.list": sdk<UsergroupsUsersListArguments>()(["usergroup"]),
  "files.info": sdk<FilesInfoArguments>()(["file"]),
  "files.getUploadURLExternal": sdk<FilesGetUploadURLExternalArguments>()(["filename", "length"]),
  "files.completeUploadExternal": sdk<FilesCompleteUploadExternalArguments>()(["files"]),
  "reactions.add": sdk<ReactionsAddArguments>()(["channel", "timestamp", "name"]),
  "assistant.threads.setStatus": sdk<AssistantThreadsSetStatusArguments>()([
    "channel_id",
    "status",
    "thread_ts",
  ]),
  "assistant.threads.setSuggestedPrompts": sdk<AssistantThreadsSetSuggestedPromptsArguments>()([
    "channel_id",
    "prompts",
  ]),
  "assistant.threads.setTitle": sdk<AssistantThreadsSetTitleArguments>()([
    "channel_id",
    "thread_ts",
    "title",
  ]),
  "agents.sessions.setStatus": sdk<AgentsSessionsSetStatusArguments>()(["channel_id", "status"]),
  "agents.sessions.rename": sdk<AgentsSessionsRenameArguments>()(["channel_id", "title"]),
  "agents.conversations.create": sdk<AgentsConversationsCreateArguments>()(["name"]),
  "agents.conversations.setProperties": sdk<AgentsConversationsSetPropertiesArguments>()(["channel_id"]),
  "agents.conversations.setView": sdk<AgentsConversationsSetViewArguments>()(["channel_id"]),
  "agents.conversations.listViews": sdk<AgentsConversationsListViewsArguments>()(["channel_id"]),
  "agents.conversations.removeView": sdk<AgentsConversationsRemoveViewArguments>()(["channel_id"]),
  "agents.conversations.setCommands": sdk<AgentsConversationsSetCommandsArguments>()([
    "channel_id",
    "commands",
  ]),
  "agents.conversations.archive": sdk<AgentsConversationsArchiveArguments>()(["channel_id"]),
  "agents.conversations.getCanvas": sdk<AgentsConversationsGetCanvasArguments>()(["channel", "canvas_id"]),
  "agents.conversations.setCanvasContent": sdk<AgentsConversationsSetCanvasContentArguments>()([
    "channel",
    "canvas_id",
    "content",
  ]),
};

describe("the fake's method rules", () => {
  it("require exactly what @slack/web-api 8.2.0 types as required", () => {
    for (const [method, rule] of Object.entries(methodRules)) {
      const expected = fromSdk[method];
      expect(expected, `${method} has no SDK check`).toBeDefined();
      expect([...rule.required].sort(), method).toEqual([...(expected?.required ?? [])].sort());
      expect(rule.oneOf ? [...rule.oneOf].sort() : undefined, method).toEqual(expected?.oneOf?.sort());
    }
  });

  it("cover every method the source calls", () => {
    const called = methodsCalledBySource();
    expect(called).toContain("chat.startStream");
    expect(called).toContain("chat.stopStream");
    expect(called.filter((method) => methodRules[method] === undefined)).toEqual([]);
  });
});
