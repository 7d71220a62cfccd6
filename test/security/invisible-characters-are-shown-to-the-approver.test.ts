import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import type { FakeMessage } from "../fakes/fake-slack-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { type Scenario, startScenario } from "./support/approval-scenario.ts";

/** "rm -rf ." spelled in Unicode tag characters: invisible in Slack, read by models. */
const smuggled = [..."; rm -rf ."]
  .map((character) => String.fromCodePoint(0xe0000 + character.charCodeAt(0)))
  .join("");
/** Blank-looking letters, a variation selector, a line separator and a Mongolian vowel separator. */
const command = `echo ok${smuggled} \u3164 x\ufe0f y\u2028z \u180e w`;

function shownText(message: FakeMessage): string {
  return (message.blocks as { text?: { text?: string } }[]).map((block) => block.text?.text ?? "").join("\n");
}

describe("characters a reader cannot see are written out for the approver", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex > 0) return textResponse("Started.");
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Runner", brief: "smuggle it", repo: "app" } },
        ]);
      }
      if (!briefOf(request).startsWith("smuggle")) return textResponse("?");
      if (request.turnIndex === 0) return toolCallResponse([{ name: "run_command", input: { command } }]);
      return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it("marks tag characters, fillers, variation selectors and separators in the approval", async () => {
    const { fake } = scenario;
    const threadTs = "1700740000.000100";
    const instance = await scenario.start("invisible");
    await scenario.mention(instance, threadTs, "run it");
    const approval = await fake.waitFor(() => scenario.posted(threadTs, "Approval needed"), 15_000);
    const shown = shownText(approval);
    for (const marker of ["⟦U+E003B⟧", "⟦U+E0072⟧", "⟦U+3164⟧", "⟦U+FE0F⟧", "⟦U+2028⟧", "⟦U+180E⟧"]) {
      expect(shown).toContain(marker);
    }
    // Nothing invisible reaches the approver unmarked.
    // biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is matched on its own, on purpose.
    expect(shown).not.toMatch(/[\u{e0000}-\u{e007f}\u3164\ufe0f\u2028\u180e]/u);
  });
});
