import { findSupervisor } from "../adapters/database/agents.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import { findSessionByKey } from "../adapters/database/sessions.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { asideEventType } from "./reply-limits.ts";
import type { InputOutcome } from "./runtime-api.ts";
import type { SurfaceInput } from "./surface-port.ts";

/**
 * Keeps a reply addressed to other people as quiet context for the supervisor's next turn: no
 * wake-up, no reply-window count, no reopening of a stopped session. Undefined when the thread
 * has no session with a supervisor yet; the message is then an ordinary one.
 */
export async function keepAside(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "user-message" }>,
): Promise<InputOutcome | undefined> {
  const session = await findSessionByKey(kernel.db, input.key.surface, input.key.conversationKey);
  const supervisor = session ? await findSupervisor(kernel.db, session.id) : undefined;
  if (!session || !supervisor) return undefined;
  await enqueueEvent(kernel.db, {
    sessionId: session.id,
    targetAgentId: supervisor.id,
    type: asideEventType,
    payload: {
      userId: input.userId,
      ...(input.userName ? { userName: input.userName } : {}),
      fromOwner: session.ownerId === input.userId,
      // A token pasted into a message is stored, prompted and shown redacted, wherever it goes.
      text: redactSecrets(input.text),
    },
  });
  return { type: "message-accepted", sessionId: session.id, created: false };
}
