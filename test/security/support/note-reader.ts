import { z } from "zod";
import { defineTool } from "../../../src/domain/tool.ts";
import { type FakeLlmRequest, textResponse, toolCallResponse } from "../../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../../helpers/runtime-harness.ts";
import { channel } from "../../slack/support/harness.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./slack-with-runtime.ts";

export const count = (text: string, part: string) => text.split(part).length - 1;

/** A worker (brief "note: read it") calls `read_note` on its first `reads` turns, then reports the note. */
export function startNoteReader(planted: string, reads: number): Promise<SlackWithRuntime> {
  const readNote = defineTool({
    name: "read_note",
    description: "Read the note.",
    input: z.object({}),
    risk: "safe",
    async execute() {
      return planted;
    },
  });
  return startSlackWithRuntime({
    workerTools: [readNote],
    respond: (request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Reader", brief: "note: read it" } },
          ]);
        }
        return textResponse("Done.");
      }
      if (briefOf(request).startsWith("note") && request.turnIndex < reads) {
        return toolCallResponse([{ name: "read_note", input: {} }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: `Read it. ${planted}` } }]);
    },
  });
}

/** The owner mentions the bot; gives back the supervisor's request that carries the worker's report. */
export async function askToReadTheNote(
  world: SlackWithRuntime,
  eventId: string,
  ts: string,
): Promise<FakeLlmRequest> {
  const { fake, harness, llm } = world;
  await harness.event(eventId, {
    type: "app_mention",
    user: "U0OWNER",
    team: fake.teamId,
    text: `<@${fake.botUserId}> read the note`,
    ts,
    channel,
  });
  return fake.waitFor(
    () =>
      llm.requests.find(
        (request) => isSupervisorRequest(request) && request.lastUserText.includes("finished"),
      ),
    15_000,
  );
}
