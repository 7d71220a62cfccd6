import type { UserProfile } from "../../adapters/slack/user-directory.ts";
import { UserDirectory } from "../../adapters/slack/user-directory.ts";
import { defaultSharedFileMaxBytes } from "../../domain/shared-files.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import { noTelemetry } from "../../domain/telemetry-port.ts";
import { AgentSessions } from "./agent-sessions.ts";
import { CrewBoardPublisher } from "./crew-board-publisher.ts";
import { EventRenderer } from "./event-renderer.ts";
import { uploadAttachedFile } from "./file-uploads.ts";
import { MessagePublisher } from "./message-publisher.ts";
import { ReplyStreamer } from "./replies/reply-streamer.ts";
import { ResponseTimer } from "./response-timer.ts";
import { SessionThreads, threadScope } from "./session-threads.ts";
import type { SlackClients } from "./slack-clients.ts";
import type { SlackSurfaceOptions } from "./slack-surface-options.ts";
import { ThreadFeedback } from "./thread-feedback.ts";
import { realTimers } from "./timers.ts";

/**
 * What the surface shows in threads: the publisher and what draws through it (crew board, agent
 * session status, streamed replies), and the renderer that turns runtime events into them.
 */
export function createSurfaceOutput(parts: {
  options: SlackSurfaceOptions;
  clients: SlackClients;
  /** The thread's owner, looked up by the thread's own installation. */
  profileOf(userId: string, scope: TeamScope | undefined): Promise<UserProfile>;
}) {
  const { options, clients } = parts;
  const { config, runtime, store, logger } = options;
  const now = () => options.clock?.now() ?? new Date();
  const { api } = clients;
  const threads = new SessionThreads(runtime);
  const sharedFiles = {
    files: clients.files,
    maximumBytes: config.sharedFileMaxBytes ?? defaultSharedFileMaxBytes,
  };
  // With one bot token an edit needs no installation, so no session is read for it.
  const publisher = new MessagePublisher(api, store, async (sessionId) => {
    if (!clients.router) return undefined;
    const thread = await threads.get(sessionId);
    return thread ? threadScope(thread) : undefined;
  });
  const board = new CrewBoardPublisher({
    runtime,
    publisher,
    threads,
    logger,
    now,
    intervalMs: options.timing?.boardIntervalMs,
  });
  const feedback = new ThreadFeedback(api, logger);
  const sessions = new AgentSessions({
    api,
    runtime,
    feedback,
    logger,
    timers: options.timers ?? realTimers,
    ...(options.timing?.sessionRefreshMs ? { refreshMs: options.timing.sessionRefreshMs } : {}),
  });
  const users = new UserDirectory(api);
  const responses = new ResponseTimer(options.telemetry ?? noTelemetry);
  const replies = new ReplyStreamer({
    api,
    store,
    logger,
    // With many installations, the thread's own installation looks the owner up.
    users: { profileOf: parts.profileOf },
    intervalMs: options.timing?.streamIntervalMs,
    now: () => now().getTime(),
    statusAfterStream: (thread) => sessions.statusAfterStream(thread),
    onReplyShown: (thread) => responses.replyShown(thread),
  });
  const renderer = new EventRenderer({
    runtime,
    threads,
    publisher,
    board,
    replies,
    sessions,
    logger,
    uploadFile: async (thread, agentTitle, file) => {
      const upload = await clients.upload(threadScope(thread));
      await uploadAttachedFile(upload, logger, thread, agentTitle, file);
    },
  });
  return { threads, sharedFiles, publisher, board, feedback, sessions, users, responses, replies, renderer };
}
