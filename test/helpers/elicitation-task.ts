import type { RequestSnapshot } from "../../src/domain/requests.ts";
import type { RuntimeApi } from "../../src/runtime/runtime-api.ts";
import { createMemorySurface } from "./memory-surface.ts";

/** Sends "task: elicit <scenario>" as the owner; `nextQuestion` yields the questions asked, one after another. */
export async function startElicitationTask(runtime: RuntimeApi, scenario: string) {
  const surface = createMemorySurface(runtime, { userId: "owner" });
  await surface.send(`task: elicit ${scenario}`);
  let seen = 0;
  const nextQuestion = async (): Promise<RequestSnapshot> => {
    const event = await surface.waitFor((item) => item.type === "question-asked", { after: seen });
    seen = surface.events.indexOf(event) + 1;
    if (event.type !== "question-asked") throw new Error("not a question");
    return event.request;
  };
  return { surface, nextQuestion };
}
