import { insertAgent } from "../../src/adapters/database/agents.ts";
import { enqueueEvent } from "../../src/adapters/database/events.ts";
import type { Database } from "../../src/adapters/database/open-database.ts";
import { createRequest } from "../../src/adapters/database/requests.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";

export interface WaitingSession {
  sessionId: string;
  supervisorId: string;
  workerId: string;
  requestId: string;
}

/**
 * A session as a crash leaves it: its supervisor queued with an unread message (any runtime
 * that sweeps would run it) and a worker waiting on a question (any runtime that starts
 * would announce it). `marker` is in the message and the question, to spot them anywhere.
 */
export async function seedWaitingSession(
  db: Database,
  key: { surface: string; conversationKey: string },
  marker: string,
): Promise<WaitingSession> {
  const { session } = await createSession(db, {
    surface: key.surface,
    conversationKey: key.conversationKey,
    ownerId: "U0OWNER",
    title: marker,
  });
  const supervisor = await insertAgent(db, {
    sessionId: session.id,
    role: "supervisor",
    title: "Supervisor",
    model: "anthropic:claude-sonnet-5-5",
    tier: "supervisor",
    status: "queued",
  });
  await enqueueEvent(db, {
    sessionId: session.id,
    targetAgentId: supervisor.id,
    type: "user-message",
    payload: { userId: "U0OWNER", fromOwner: true, text: `${marker} message` },
  });
  const worker = await insertAgent(db, {
    sessionId: session.id,
    parentId: supervisor.id,
    role: "worker",
    title: `${marker} worker`,
    model: "anthropic:claude-haiku-5-5",
    status: "waiting",
  });
  const { request } = await createRequest(db, {
    sessionId: session.id,
    agentId: worker.id,
    kind: "question",
    toolCallId: `call_${marker}`,
    prompt: `${marker} question?`,
  });
  return { sessionId: session.id, supervisorId: supervisor.id, workerId: worker.id, requestId: request.id };
}
