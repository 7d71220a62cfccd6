import { getSession, updateSession } from "../adapters/database/sessions.ts";
import { storedSessionTitle } from "../domain/session-title.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { InputOutcome } from "./runtime-api.ts";
import type { SurfaceInput } from "./surface-port.ts";

/** Keeps a title a person gave the session where the surface shows it; an empty one changes nothing. */
export async function handleRename(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "rename-session" }>,
): Promise<InputOutcome> {
  const title = storedSessionTitle(input.title);
  const session = await getSession(kernel.db, input.sessionId);
  if (!session || title === "") {
    return { type: "session-renamed", sessionId: input.sessionId, title: session?.title ?? "" };
  }
  await updateSession(kernel.db, session.id, { title });
  kernel.logger.info({ sessionId: session.id, userId: input.userId }, "session renamed by a person");
  return { type: "session-renamed", sessionId: session.id, title };
}
