import { randomUUID } from "node:crypto";
import { z } from "zod";
import { findSupervisor } from "../adapters/database/agents.ts";
import type { Database } from "../adapters/database/open-database.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { holdSession, releaseSession, terminalHoldKey } from "../adapters/database/terminal-holds.ts";
import { loadTranscript } from "../adapters/database/transcript.ts";
import { ThreadworkError } from "../domain/errors.ts";
import { textOf } from "../domain/messages.ts";
import { oneLine, truncate } from "../domain/text.ts";
import type { Logger } from "../logger.ts";
import type { RuntimeApi } from "../runtime/runtime-api.ts";
import type { SessionKey } from "../runtime/surface-port.ts";
import { agentLine } from "../surfaces/terminal/terminal-render.ts";
import type { ThreadNotices } from "./handoff-thread-notices.ts";

/** A chat that may not continue the session it named: said in one line, exit code 2. */
export class HandoffRefusedError extends ThreadworkError {
  constructor(message: string) {
    super("handoff_refused", message, { category: "user" });
    this.name = "HandoffRefusedError";
  }
}

/** The hold lasts this long unless renewed; a chat that died gives the session back after it. */
const holdSeconds = 60;
const renewEveryMs = 15_000;

export interface TerminalHandoff {
  key: SessionKey;
  sessionId: string;
  ownerId: string;
  /** Tells the thread the session moved, and posts the final answers given here there too. */
  begin(runtime: RuntimeApi): Promise<void>;
  /** What the terminal shows first: the session, its agents and its last answer. */
  history(runtime: RuntimeApi): Promise<string[]>;
  /** Whether the thread hears of the move: this machine has the bot token and the session a thread. */
  tellsSlack: boolean;
  /** Gives the session back to the Slack app and tells the thread; safe to call twice. */
  end(): Promise<void>;
}

/**
 * Checks that the person at this terminal (`--as`) owns the session, before anything runs. The
 * terminal has no Slack sign-in: whoever can run the chat on this machine can read the database
 * anyway, so `--as` is a guard against continuing someone else's session by mistake, not
 * authentication (docs/slack.md).
 */
export async function prepareHandoff(options: {
  db: Database;
  sessionId: string;
  as: string | undefined;
  host: string;
  user: string;
  logger: Logger;
  /** How to post into the session's thread, from its metadata; undefined when this machine cannot. */
  createNotices(metadata: Record<string, unknown>): Promise<ThreadNotices | undefined>;
}): Promise<TerminalHandoff> {
  const { db, sessionId, logger } = options;
  const session = await ownedSlackSession(db, sessionId, options.as);
  const holder = randomUUID();
  const hold = { host: options.host, user: options.user, holder };
  // From here on the Slack app leaves this session's agents to this chat.
  await takeHold(db, sessionId, hold);
  const renewal = setInterval(() => {
    holdSession(db, sessionId, hold, holdSeconds).catch((error: unknown) =>
      logger.warn({ error: String(error) }, "could not renew the terminal's hold on the session"),
    );
  }, renewEveryMs);
  renewal.unref();
  logger.info({ sessionId }, "session continued at the terminal");
  const notices = await options.createNotices(session.metadata);
  let unsubscribe: (() => void) | undefined;
  let ended = false;

  return {
    key: { surface: session.surface, conversationKey: session.conversationKey },
    sessionId,
    ownerId: session.ownerId,
    tellsSlack: notices !== undefined,
    async begin(runtime) {
      if (!notices) return;
      await notices.moved(options.host, options.user, session.ownerId);
      unsubscribe = runtime.subscribe((event) => {
        if (event.sessionId !== sessionId) return;
        if (event.type === "reply-completed" && event.final) void notices.reply(event.text);
      });
    },
    history: (runtime) => sessionHistory(db, runtime, sessionId, session.title),
    async end() {
      if (ended) return;
      ended = true;
      clearInterval(renewal);
      unsubscribe?.();
      await releaseSession(db, sessionId, holder);
      await notices?.back(options.host);
    },
  };
}

type Session = NonNullable<Awaited<ReturnType<typeof getSession>>>;

/** The session, when it is a Slack session and `as` names its owner; a refusal otherwise. */
async function ownedSlackSession(db: Database, sessionId: string, as: string | undefined): Promise<Session> {
  const session = await getSession(db, sessionId);
  if (!session) throw new HandoffRefusedError(`No session ${sessionId}: copy the id from "Open locally".`);
  if (session.surface !== "slack") {
    throw new HandoffRefusedError(
      `Session ${sessionId} is not a Slack session; a terminal chat resumes by its THREADWORK_CHAT name.`,
    );
  }
  if (as === undefined) {
    throw new HandoffRefusedError(
      `Continuing session ${sessionId} needs --as <your Slack user id>: only its owner may continue it here.`,
    );
  }
  if (as !== session.ownerId) {
    throw new HandoffRefusedError(`Session ${sessionId} belongs to another person: ${as} is not its owner.`);
  }
  return session;
}

/** Holds the session for this terminal, or refuses, naming where another terminal holds it. */
async function takeHold(
  db: Database,
  sessionId: string,
  hold: { host: string; user: string; holder: string },
): Promise<void> {
  if (await holdSession(db, sessionId, hold, holdSeconds)) return;
  const current = z
    .object({ host: z.string(), user: z.string() })
    .safeParse((await getSession(db, sessionId))?.metadata[terminalHoldKey]);
  const where = current.success ? ` on ${current.data.host} by ${current.data.user}` : "";
  throw new HandoffRefusedError(
    `Session ${sessionId} is already continued in a terminal${where}; leave that chat first.`,
  );
}

/** The session, its workers and the supervisor's last answer, as the terminal shows them first. */
async function sessionHistory(
  db: Database,
  runtime: RuntimeApi,
  sessionId: string,
  title: string | null,
): Promise<string[]> {
  const agents = await runtime.listAgents(sessionId);
  const lines = [`Session ${sessionId}${title ? `: ${oneLine(title)}` : ""}`];
  const workers = agents.filter((agent) => agent.role === "worker");
  if (workers.length > 0) lines.push(...workers.map((agent, index) => agentLine(agent, index + 1)));
  const supervisor = await findSupervisor(db, sessionId);
  const transcript = supervisor ? await loadTranscript(db, supervisor.id) : [];
  const last = transcript.findLast(
    (entry) => entry.message.role === "assistant" && textOf(entry.message).trim() !== "",
  );
  if (last) lines.push(`Last answer: ${truncate(oneLine(textOf(last.message)), 400)}`);
  return lines;
}
