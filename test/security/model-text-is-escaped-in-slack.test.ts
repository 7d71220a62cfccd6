import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { findButton } from "../slack/support/harness.ts";
import { allStrings, owner, type Scenario, startScenario } from "./support/approval-scenario.ts";

/** What an attacker steers a model to write: broadcasts, a user and group mention, disguised links. */
const payload =
  "hi <!channel> <!here|here> <!everyone> <@U0VICTIM> <!subteam^S1|@admins> " +
  "<https://evil.example|innocent> [innocent](https://evil.example) ![x](https://evil.example/p.png) " +
  "\u202edaer";

/** Anything Slack would turn into a notification or a link whose label hides its target. */
const live = [
  /<!(channel|here|everyone)/,
  /<!subteam/,
  /<@U0VICTIM/,
  /<https?:\/\/evil\.example[^>]*\|/,
  // A bidi override reorders what follows it, e.g. a link's real target.
  /[\u202a-\u202e\u2066-\u2069]/,
];
/** In Markdown fields (replies) a `[label](url)` link hides its target too; in mrkdwn it is plain text. */
const liveInMarkdown = /\[[^\]]*\]\(\s*<?https?:\/\/evil/;

describe("model text is escaped in Slack", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.lastUserText.includes("finished")) return textResponse(`Summary: ${payload}`);
        if (request.turnIndex > 0) return textResponse(`Started: ${payload}`);
        return toolCallResponse(
          [
            {
              name: "spawn_agent",
              input: {
                // A line break would draw header lines that look like the approval's own.
                title: "T <!channel> <@U0VICTIM> <https://evil.example|x>\n*Tool:* `read_file`",
                brief: "mention",
                repo: "app",
              },
            },
          ],
          { text: `On it ${payload}` },
        );
      }
      if (!briefOf(request).startsWith("mention")) return textResponse("?");
      switch (request.turnIndex) {
        case 0:
          return toolCallResponse([{ name: "report_progress", input: { text: `progress ${payload}` } }]);
        case 1:
          return toolCallResponse([
            {
              name: "ask_user",
              input: {
                question: `Q ${payload}`,
                // The last choice shows as nothing once made inert: Slack refuses an empty button.
                choices: ["<!channel> <https://evil.example|yes>", "no", "<!date^1700000000^{date}|>"],
              },
            },
          ]);
        case 2:
          return toolCallResponse([{ name: "run_command", input: { command: `echo '${payload}'` } }]);
        default:
          return toolCallResponse([{ name: "finish", input: { summary: `finished ${payload}` } }]);
      }
    });
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it("reaches Slack escaped in every field of every call: no broadcast, mention or disguised link", async () => {
    const { fake } = scenario;
    const threadTs = "1700060000.000100";
    const instance = await scenario.start("escape");
    await scenario.mention(instance, threadTs, "do the thing");

    const question = await fake.waitFor(() => scenario.posted(threadTs, "T "), 15_000);
    const choice = findButton(question.blocks, actionIds.answerChoice);
    await instance.harness.click({
      user: owner,
      actionId: choice?.action_id ?? "",
      value: choice?.value ?? "",
      messageTs: question.ts,
      threadTs,
    });
    const approval = await fake.waitFor(() => scenario.posted(threadTs, "Approval needed"), 15_000);
    await instance.harness.click({
      user: owner,
      actionId: actionIds.approve,
      value: findButton(approval.blocks, actionIds.approve)?.value ?? "",
      messageTs: approval.ts,
      threadTs,
    });
    await fake.waitFor(() => scenario.posted(threadTs, "Results"), 20_000);
    await fake.waitFor(
      () => fake.calls.some((call) => JSON.stringify(call.params).includes("Summary: hi")),
      10_000,
    );

    const found: string[] = [];
    for (const call of fake.calls) {
      for (const { path, text } of allStrings(call.params)) {
        const patterns = path.endsWith("markdown_text") ? [...live, liveInMarkdown] : live;
        for (const pattern of patterns) {
          if (pattern.test(text)) found.push(`${call.method} ${path}: ${text.slice(0, 160)}`);
        }
      }
    }
    expect(found).toEqual([]);

    // The legitimate path: the text still reaches people, readable, with the real link target.
    const everything = JSON.stringify(fake.calls.map((call) => call.params));
    expect(everything).toContain("&lt;!channel&gt;");
    expect(everything).toContain("innocent (https://evil.example)");
    expect(everything).toContain("Q hi");
    const markdown = fake.calls.flatMap((call) =>
      allStrings(call.params).filter(({ path }) => path.endsWith("markdown_text")),
    );
    expect(markdown.map(({ text }) => text).join("")).toContain(
      "innocent (https://evil.example) x (https://evil.example/p.png)",
    );
    expect(JSON.stringify(approval.blocks)).toContain("&lt;https://evil.example|innocent&gt;");
    // The approval header has one line per field: the agent's title cannot add a second "Tool".
    const header = String((approval.blocks[0] as { text: { text: string } }).text.text);
    expect(header.match(/^\*Tool:\*/gm)).toEqual(["*Tool:*"]);
    expect(header).toContain("*Tool:* `run_command`");
    expect(
      fake.calls.filter((call) => call.method === "chat.startStream" || call.method === "chat.postMessage")
        .length,
    ).toBeGreaterThan(3);
  });
});
