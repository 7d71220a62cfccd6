import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeMarkdown, splitAtSafeEnd } from "../../src/surfaces/slack/blocks/format.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import type { RecordedCall } from "../fakes/fake-slack-server.ts";
import { channel } from "../slack/support/harness.ts";
import { allStrings, type Instance, type Scenario, startScenario } from "./support/approval-scenario.ts";

/** `<!date^…|x>` shows `x`: five of them around `!channel` outlast a five-pass neutralizer. */
function dateWrapped(text: string, times: number): string {
  let wrapped = text;
  for (let index = 0; index < times; index += 1) wrapped = `<!date^1700000000^{date}|${wrapped}>`;
  return wrapped;
}

/**
 * What a steered supervisor writes, streamed in pieces of `chunkSize` characters: each piece
 * alone is harmless, but Slack shows the pieces joined.
 */
const attacks: Record<string, { reply: string; chunkSize: number }> = {
  // `<` more than 120 characters before its `>`: sent unclosed, closed by the next piece.
  longMention: { reply: `hi <!channel|${"a ".repeat(100)}> END`, chunkSize: 150 },
  // A label longer than 600 characters: the open `[` is not held, `](https://evil…` comes later.
  longLabel: { reply: `see [${"word ".repeat(160)}](https://evil.example/steal) END`, chunkSize: 700 },
  // A reference definition cut right after `]: `: its target arrives in the next piece.
  splitDefinition: { reply: "see [innocent][1]\n\n[1]: https://evil.example/steal END", chunkSize: 24 },
  // Whole replies the rewrite missed: nested and escaped brackets, a quoted title, nested tokens.
  nestedLabel: { reply: "see [a [b] c](https://evil.example/steal) END", chunkSize: 4000 },
  escapedLabel: { reply: "see [a\\]b](https://evil.example/steal) END", chunkSize: 4000 },
  quotedTitle: { reply: "see [innocent](https://evil.example/steal 'title') END", chunkSize: 4000 },
  multilineLabel: { reply: "see [innocent\nclick](https://evil.example/steal) END", chunkSize: 4000 },
  nestedTokens: { reply: `hi <${dateWrapped("!channel", 5)}> END`, chunkSize: 4000 },
  // An inner token made inert lets the outer `<!channel|…>` close across pieces.
  innerToken: { reply: `hi <!channel|${"a ".repeat(70)}<https://x.example> bbb> END`, chunkSize: 100 },
  // Plain broadcast words, which Slack reads as mentions where it links names in text.
  plainBroadcast: { reply: "hi @channel, @here and @Everyone, see you END", chunkSize: 5 },
  // A right-to-left override in the label shows the real target backwards after it.
  bidiLabel: { reply: "see [\u202emoc.elpmaxe.doog](https://evil.example/steal) END", chunkSize: 4000 },
};

/** Anything Slack would read as a notification, or a Markdown or Slack link hiding its target. */
const live = [
  /<!(channel|here|everyone)/,
  /<https?:\/\/evil[^>]*\|/,
  /\]\(\s*<?https?:\/\/evil/,
  /^ {0,3}\[[^\]]*\]:\s*<?https?:\/\/evil/m,
  /[\u202a-\u202e\u2066-\u2069]/,
  /(^|[^\w@.])@(channel|here|everyone)\b/i,
];

/** The text of the reply message `ts` (in `threadTs`) after each call that changed it, as Slack would show it. */
function replyStates(calls: RecordedCall[], threadTs: string, ts: string): string[] {
  const states: string[] = [];
  let text: string | undefined;
  for (const call of calls) {
    const params = call.params;
    const content = String(params.markdown_text ?? params.text ?? "");
    if (call.method === "chat.startStream" || call.method === "chat.postMessage") {
      if (params.thread_ts !== threadTs || text !== undefined) continue;
      text = content;
    } else if (text === undefined || params.ts !== ts) {
      continue;
    } else if (call.method === "chat.appendStream" || call.method === "chat.stopStream") {
      text += String(params.markdown_text ?? "");
    } else if (call.method === "chat.update") {
      text = content;
    } else continue;
    states.push(text);
  }
  return states;
}

describe("streamed replies cannot assemble a mention or a disguised link", () => {
  let scenario: Scenario;
  let instance: Instance;
  const threads = new Map<string, string>();

  beforeAll(async () => {
    scenario = await startScenario();
    scenario.llm.respondWith((request) => {
      const name = Object.keys(attacks).find((key) => request.lastUserText.includes(`attack ${key}`));
      const attack = name ? attacks[name] : undefined;
      if (!attack) return textResponse("?");
      return textResponse(attack.reply, { chunkSize: attack.chunkSize, chunkDelayMs: 250 });
    });
    instance = await scenario.start("stream");
    let index = 0;
    for (const name of Object.keys(attacks)) {
      index += 1;
      const threadTs = `17000700${String(index).padStart(2, "0")}.000100`;
      threads.set(name, threadTs);
      await scenario.mention(instance, threadTs, `attack ${name}`);
    }
    for (const threadTs of threads.values()) {
      await scenario.fake.waitFor(
        () => scenario.fake.threadMessages(channel, threadTs).some((message) => message.text.includes("END")),
        20_000,
      );
    }
    // Stopping waits for every Slack call in flight, so the final edits are recorded.
    await scenario.stop(instance);
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it.each(Object.keys(attacks))("%s: no state of the reply carries a live token or link", (name) => {
    const threadTs = threads.get(name) ?? "";
    const replies = scenario.fake.threadMessages(channel, threadTs);
    expect(replies).toHaveLength(1);
    const states = replyStates(scenario.fake.calls, threadTs, replies[0]?.ts ?? "");
    expect(states.length).toBeGreaterThan(0);
    const found = states.flatMap((text, step) =>
      live.filter((pattern) => pattern.test(text)).map((pattern) => `step ${step} ${pattern}: ${text}`),
    );
    expect(found).toEqual([]);
    // No single call carries one either.
    const ofThread = scenario.fake.calls.filter(
      (call) => call.params.thread_ts === threadTs || call.params.ts === replies[0]?.ts,
    );
    const callsFound = ofThread.flatMap((call) =>
      allStrings(call.params).filter(({ text }) => live.some((pattern) => pattern.test(text))),
    );
    expect(callsFound).toEqual([]);
    // The legitimate path: the reply arrives whole, readable, with its real target in sight.
    const final = states.at(-1) ?? "";
    expect(final).toContain("END");
    if (attacks[name]?.reply.includes("evil")) expect(final).toContain("https://evil.example/steal");
  });
});

/** What the reply streamer sends for these pieces before the reply completes: each flush as it goes out. */
function streamedBeforeCompletion(pieces: string[]): string {
  let sent = "";
  let pending = "";
  for (const piece of pieces) {
    pending += piece;
    const { ready, rest } = splitAtSafeEnd(pending);
    sent += safeMarkdown(ready);
    pending = rest;
  }
  return sent;
}

describe("streamed pieces, cut anywhere, never join into a mention or a disguised link", () => {
  it.each(Object.keys(attacks))("%s, cut at every position", (name) => {
    const reply = attacks[name]?.reply ?? "";
    const found: string[] = [];
    for (let cut = 1; cut < reply.length; cut += 1) {
      for (let second = cut + 1; second <= reply.length; second += 7) {
        const sent = streamedBeforeCompletion([
          reply.slice(0, cut),
          reply.slice(cut, second),
          reply.slice(second),
        ]);
        for (const pattern of live) if (pattern.test(sent)) found.push(`${cut}/${second} ${pattern}`);
      }
    }
    expect(found.slice(0, 5)).toEqual([]);
  });

  it("ordinary text still streams as written, code included", () => {
    const reply =
      "Use `arr[i](x)` and Map<K, V>; see [docs](https://example.com/docs) or <https://example.com|home>.";
    expect(streamedBeforeCompletion([reply.slice(0, 20), reply.slice(20), " "])).toBe(
      "Use `arr[i](x)` and Map<K, V>; see docs (https://example.com/docs) or home (https://example.com). ",
    );
  });
});
