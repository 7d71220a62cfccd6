import type { WorkspaceIdentitySource } from "../../adapters/slack/installing-workspace.ts";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { SlackFiles } from "../../adapters/slack/slack-files.ts";
import type { UserDirectory } from "../../adapters/slack/user-directory.ts";
import type { AuditTrail } from "../../domain/audit-export.ts";
import type { FollowUpRule } from "../../domain/follow-up-rule.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { AccessControl } from "./access-control.ts";
import type { AgentSessions } from "./agent-sessions.ts";
import type { ChannelSettingsContext } from "./channel-settings/settings-store.ts";
import type { CrewBoardPublisher } from "./crew-board-publisher.ts";
import type { MessagePublisher } from "./message-publisher.ts";
import type { ReplyStreamer } from "./replies/reply-streamer.ts";
import type { ResponseTimer } from "./response-timer.ts";
import type { ScheduleBook } from "./schedules/schedule-book.ts";
import type { SessionThreads } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";
import type { SpendLimitStore } from "./spend-limit-store.ts";
import type { ThreadFeedback } from "./thread-feedback.ts";
import type { WatchRuleStore } from "./watched-channels/watch-rule-store.ts";
import type { WorkspaceAdmins } from "./workspace-admins.ts";

/** What every listener gets: `register(app, context)`. */
export interface SlackSurfaceContext {
  /**
   * Slack calls. With many installations a call must name its installation
   * (`{ scope }`, or use `apiFor` / `forInstallation`), or it fails closed.
   */
  api: SlackApi;
  /** Slack calls acting for one installation; with one bot token, `api` itself. */
  apiFor(scope: TeamScope | undefined): SlackApi;
  /**
   * This context acting for one installation: its token, its people, its access rules. A
   * listener takes it from the event first thing; with one bot token it is this context.
   */
  forInstallation(scope: TeamScope | undefined): SlackSurfaceContext;
  /** The installation this context acts for; absent with one bot token (and on the shared context). */
  scope?: TeamScope | undefined;
  /** Many installations only: forgets an installation's tokens and its clients (uninstall, revoked tokens). */
  removeInstallation?(scope: TeamScope): Promise<void>;
  /** Files shared in a session's thread are fetched through this, up to `maximumBytes` each. */
  sharedFiles: { files: SlackFiles; maximumBytes: number };
  runtime: RuntimeApi;
  store: SlackStore;
  logger: Logger;
  now: () => Date;
  threads: SessionThreads;
  users: UserDirectory;
  /** The workspace and organization that installed the app (`auth.test`). */
  workspace: WorkspaceIdentitySource;
  /** Who may start, steer, answer or click: checked before anything reaches the runtime. */
  access: AccessControl;
  publisher: MessagePublisher;
  board: CrewBoardPublisher;
  feedback: ThreadFeedback;
  /** The thread's Slack agent session: status, title, Stop button. */
  sessions: AgentSessions;
  replies: ReplyStreamer;
  /** Times to first feedback and first reply, for metrics. */
  responses: ResponseTimer;
  /** Which thread replies start a turn (THREADWORK_FOLLOW_UP_RULE). */
  followUpRule: FollowUpRule;
  /** Runs listener work after the ack: `stop()` waits for it, and a failure is logged, not thrown. */
  track(work: Promise<unknown>): Promise<void>;
  /** Recurring and one-time tasks (`/threadwork schedule`, App Home); absent without a database. */
  schedules?: ScheduleBook;
  /** Watched channels' rules and counters; absent without a database, and then nothing is watched. */
  watchRules?: WatchRuleStore;
  /** The audit trail: decisions recorded here, exported by admins; absent without a database. */
  audit?: AuditTrail;
  /** Channel settings (`/threadwork settings`, App Home); absent without a database. */
  channelSettings?: ChannelSettingsContext;
  /** Who administers Threadwork here: THREADWORK_ADMINS and the workspace's admins and owners. */
  admins: WorkspaceAdmins;
  /** Spend limits and spend (`/threadwork limits`, App Home); absent without a database. */
  spendLimits?: SpendLimitStore;
}
