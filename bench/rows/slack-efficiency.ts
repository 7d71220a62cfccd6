import {
  type FakeLlmRequest,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../../test/fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../../test/fakes/fake-slack-server.ts";
import { startApp } from "../support/app-client.ts";
import { finishedCount, isSupervisorRequest, justSpawned, markerOf } from "../support/fake-agents.ts";
import { type LimitedCall, RateLimitedSlack, slackLimits } from "../support/rate-limited-slack.ts";
import { postSignedEvent } from "../support/signed-events.ts";
import { round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const signingSecret = "bench-signing-secret";
const workersPerSession = 2;

/** Each sub-agent reports progress three times between lookups, then answers. */
function respond(request: FakeLlmRequest, delayMs: number) {
  const marker = markerOf(request) ?? "unknown";
  if (isSupervisorRequest(request)) {
    if (request.turnIndex === 0) {
      return toolCallResponse(
        Array.from({ length: workersPerSession }, (_, index) => ({
          name: "spawn_agent",
          input: { title: `Part ${index + 1}`, brief: `[bench:${marker}w${index}] Check part ${index + 1}.` },
        })),
        { delayMs },
      );
    }
    if (justSpawned(request))
      return textResponse("I started two sub-agents; I will report back here.", { delayMs });
    if (finishedCount(request) >= workersPerSession) {
      return textResponse("Summary: both parts are checked and nothing needs changing.", { delayMs });
    }
    return textResponse("One part is done; waiting for the other.", { delayMs });
  }
  const turn = request.turnIndex;
  if (turn >= 6) return textResponse(`Part ${marker} checked: nothing needs changing.`, { delayMs });
  if (turn % 2 === 0) {
    const text =
      ["Reading the code", "Halfway through the checks", "Writing the summary"][turn / 2] ?? "Working";
    return toolCallResponse([{ name: "report_progress", input: { text } }], { delayMs });
  }
  return toolCallResponse([{ name: "bench_step", input: { agent: marker, turn } }], { delayMs });
}

/** Highest number of calls in one key's one-second (or `windowMs`) bucket. */
function busiest(
  calls: LimitedCall[],
  keyOf: (call: LimitedCall) => string | undefined,
  windowMs = 1000,
): number {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const key = keyOf(call);
    if (key === undefined) continue;
    const bucket = `${key}:${Math.floor(call.at / windowMs)}`;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/** Most calls in any sliding window of `windowMs`. */
function slidingMaximum(times: number[], windowMs: number): number {
  const sorted = [...times].sort((left, right) => left - right);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function settle(proxy: RateLimitedSlack, quietMs: number, maximumMs: number): Promise<boolean> {
  const deadline = Date.now() + maximumMs;
  let seen = proxy.calls.length;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (proxy.calls.length !== seen) {
      seen = proxy.calls.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) {
      return true;
    }
  }
  return false;
}

/** Row 4: Web API calls and rate limits with many busy threads at once. */
export const slackEfficiencyRow: BenchRow = {
  row: 4,
  name: "Slack efficiency",
  async run(context) {
    const threads = context.quick ? 10 : 100;
    const channelCount = context.quick ? 2 : 10;
    const fake = await FakeSlackServer.start("xoxb-bench-token");
    fake.addUser({ id: "U0ALICE", name: "alice" });
    const proxy = await RateLimitedSlack.start(fake.apiUrl);
    const modelLatencyMs = context.quick ? 200 : 500;
    const llm = await startFakeLlmServer({
      recordRequests: false,
      responder: (request) => respond(request, modelLatencyMs),
    });
    const database =
      context.databases.kind === "postgres" ? await context.databases.create("slack") : undefined;
    const app = await startApp(context, {
      databaseUrl: database?.url,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      instanceId: "bench-slack",
      slack: { apiUrl: proxy.apiUrl, botToken: fake.botToken, signingSecret },
    });
    // Paced Slack calls after the agents are done are progress too (Tier 3 edits take minutes).
    context.watch(() => `${proxy.calls.length} Slack calls`);
    try {
      const url = `http://127.0.0.1:${app.slackPort}/slack/events`;
      context.progress(
        `${threads} threads in ${channelCount} channels, ${workersPerSession} sub-agents each`,
      );
      const started = Date.now();
      await Promise.all(
        Array.from({ length: threads }, async (_, index) => {
          await new Promise((resolve) => setTimeout(resolve, index * 20));
          const ts = `${1800000000 + index}.000200`;
          const channel = `C0BUSY${index % channelCount}`;
          await postSignedEvent({
            url,
            signingSecret,
            teamId: fake.teamId,
            eventId: `EvBusy${index}`,
            event: {
              type: "app_mention",
              user: "U0ALICE",
              text: `<@U0BOT> [bench:t${index}] check both parts of the release`,
              ts,
              channel,
              event_ts: ts,
            },
          });
        }),
      );
      const workers = threads * workersPerSession;
      await app.waitIdle(workers, context.quick ? 90_000 : 300_000);
      const settled = await settle(proxy, context.quick ? 1500 : 3000, context.quick ? 10_000 : 90_000);
      const seconds = (Date.now() - started) / 1000;

      const calls = proxy.calls;
      const accepted = calls.filter((call) => call.status === 200);
      const limited = calls.filter((call) => call.status === 429);
      const byMethod: Record<string, { ok: number; limited: number }> = {};
      for (const call of calls) {
        const entry = byMethod[call.method] ?? { ok: 0, limited: 0 };
        if (call.status === 429) entry.limited += 1;
        else entry.ok += 1;
        byMethod[call.method] = entry;
      }
      const isPost = (call: LimitedCall) =>
        call.method === "chat.postMessage" || call.method === "chat.startStream";
      const perChannelSecond = busiest(calls, (call) => call.channel);
      const postsPerChannelSecond = busiest(calls.filter(isPost), (call) => call.channel);
      const acceptedPostsPerChannelSecond = busiest(accepted.filter(isPost), (call) => call.channel);
      const editsPerMinute = slidingMaximum(
        calls.filter((call) => call.method === "chat.update").map((call) => call.at),
        60_000,
      );
      const perRun = round(accepted.length / workers, 1);
      return {
        scale: `${threads} threads in ${channelCount} channels × ${workersPerSession} sub-agents (3 progress reports each), model ${modelLatencyMs} ms${context.quick ? " (quick: 10 threads, 200 ms model)" : ""}`,
        lines: [
          {
            label: "Web API calls per sub-agent run",
            figure: `${perRun} (${accepted.length} accepted calls ÷ ${workers} sub-agents, supervisor replies included)`,
            target: "(report)",
            met: undefined,
          },
          {
            label: "highest calls per channel per second",
            figure: `${perChannelSecond} attempted`,
            target: "(report)",
            met: undefined,
          },
          {
            label: "posts per channel per second",
            figure: `at most ${postsPerChannelSecond} attempted, ${acceptedPostsPerChannelSecond} accepted`,
            target: `≤ ${slackLimits.postsPerSecondPerChannel}/s/channel (bursts of ${slackLimits.postBurst})`,
            met: postsPerChannelSecond <= slackLimits.postsPerSecondPerChannel,
          },
          {
            label: "edits (chat.update) per minute",
            figure: `at most ${editsPerMinute} in any 60 s`,
            target: `≤ ${slackLimits.editsPerMinute}/min (Tier 3)`,
            met: editsPerMinute <= slackLimits.editsPerMinute,
          },
          {
            label: "429s seen",
            figure: `${limited.length} of ${calls.length} calls${settled ? "" : "; still calling when the bench stopped waiting"}`,
            target: "(report)",
            met: undefined,
          },
        ],
        notes: [
          `A proxy in front of the fake Web API enforces token buckets: chat.postMessage and chat.startStream ${slackLimits.postsPerSecondPerChannel}/s per channel with bursts of ${slackLimits.postBurst}, chat.update ${slackLimits.editsPerMinute}/min for the workspace; it answers 429 with Retry-After.`,
          `Sessions start from signed app_mention events through the real receiver; ${round(seconds, 1)} s from the first event until Slack calls stopped.`,
        ],
        details: {
          threads,
          channelCount,
          workers,
          calls: calls.length,
          byMethod,
          seconds: round(seconds, 1),
          settled,
        },
      };
    } finally {
      await app.stop();
      await llm.close();
      await proxy.close();
      await fake.close();
      await database?.drop();
    }
  },
};
