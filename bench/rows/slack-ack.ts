import { startFakeLlmServer, textResponse } from "../../test/fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../../test/fakes/fake-slack-server.ts";
import { startApp } from "../support/app-client.ts";
import { postSignedEvent } from "../support/signed-events.ts";
import { percentile, round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const signingSecret = "bench-signing-secret";
const channels = ["C0BENCH1", "C0BENCH2", "C0BENCH3", "C0BENCH4", "C0BENCH5"];

const sleep = (milliseconds: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/**
 * Row 1: signed Events API callbacks at a steady rate to the real Bolt HTTP receiver of the
 * Slack surface, with the runtime behind it. Mix: 10% mentions that start a session, 10%
 * replies in session threads, 10% Slack redeliveries of an earlier event id, 70% channel
 * messages the bot ignores.
 */
export const slackAckRow: BenchRow = {
  row: 1,
  name: "Slack ack",
  async run(context) {
    const perSecond = 100;
    const seconds = context.quick ? 5 : 30;
    const slack = await FakeSlackServer.start("xoxb-bench-token");
    const llm = await startFakeLlmServer({
      recordRequests: false,
      latencyMs: 300,
      responder: () => textResponse("Here is what I found: the change is safe to ship."),
    });
    const database =
      context.databases.kind === "postgres" ? await context.databases.create("ack") : undefined;
    const app = await startApp(context, {
      databaseUrl: database?.url,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      instanceId: "bench-ack",
      slack: { apiUrl: slack.apiUrl, botToken: slack.botToken, signingSecret },
    });
    try {
      const url = `http://127.0.0.1:${app.slackPort}/slack/events`;
      const sent: { eventId: string; event: Record<string, unknown> }[] = [];
      const threads: { channel: string; ts: string }[] = [];
      const results: Promise<{ status: number; ms: number; error?: string }>[] = [];
      let mentions = 0;
      let retries = 0;
      const total = perSecond * seconds;
      context.progress(`${total} signed events at ${perSecond}/s for ${seconds} s`);
      const started = performance.now();
      for (let index = 0; index < total; index += 1) {
        await sleep(started + (index * 1000) / perSecond - performance.now());
        const kind = index % 10;
        const ts = `${1800000000 + index}.000100`;
        const channel = channels[index % channels.length] ?? "C0BENCH1";
        if (kind === 2 && sent.length > 0) {
          const earlier = sent[(index * 7919) % sent.length];
          if (earlier) {
            retries += 1;
            results.push(
              postSignedEvent({ url, signingSecret, teamId: slack.teamId, ...earlier, retryNumber: 1 }),
            );
            continue;
          }
        }
        let event: Record<string, unknown>;
        const thread = threads.length > 3 ? threads[(index * 31) % (threads.length - 3)] : undefined;
        if (kind === 0 || (kind === 1 && !thread)) {
          mentions += 1;
          threads.push({ channel, ts });
          event = {
            type: "app_mention",
            user: "U0ALICE",
            text: `<@U0BOT> is the change in PR ${index} safe to ship?`,
            ts,
            channel,
            event_ts: ts,
          };
        } else if (kind === 1 && thread) {
          event = {
            type: "message",
            channel_type: "channel",
            user: "U0BOB",
            text: `and what about the migration in ${index}?`,
            ts,
            thread_ts: thread.ts,
            channel: thread.channel,
            event_ts: ts,
          };
        } else {
          event = {
            type: "message",
            channel_type: "channel",
            user: "U0CAROL",
            text: "lunch anyone?",
            ts,
            channel,
            event_ts: ts,
          };
        }
        const eventId = `Ev${String(index).padStart(8, "0")}`;
        sent.push({ eventId, event });
        results.push(postSignedEvent({ url, signingSecret, teamId: slack.teamId, eventId, event }));
      }
      const sendSeconds = (performance.now() - started) / 1000;
      const settled = await Promise.all(results);
      const latencies = settled.map((result) => result.ms);
      const failures = settled.filter((result) => result.status !== 200).length;
      const firstError = settled.find((result) => result.error !== undefined)?.error;
      const p50 = percentile(latencies, 0.5);
      const p99 = percentile(latencies, 0.99);
      const idle = await app.waitIdle(0, context.quick ? 10_000 : 60_000).catch(() => undefined);
      const sessions = idle?.agents;

      // The same rate of channel chatter the bot ignores: the receiver alone, with the runtime idle.
      const quietTotal = perSecond * (context.quick ? 2 : 10);
      context.progress(`${quietTotal} signed events the bot ignores, at ${perSecond}/s`);
      const quiet: Promise<{ status: number; ms: number; error?: string }>[] = [];
      const quietStarted = performance.now();
      for (let index = 0; index < quietTotal; index += 1) {
        await sleep(quietStarted + (index * 1000) / perSecond - performance.now());
        const ts = `${1900000000 + index}.000100`;
        quiet.push(
          postSignedEvent({
            url,
            signingSecret,
            teamId: slack.teamId,
            eventId: `EvQuiet${index}`,
            event: {
              type: "message",
              channel_type: "channel",
              user: "U0CAROL",
              text: "lunch anyone?",
              ts,
              channel: channels[index % channels.length],
              event_ts: ts,
            },
          }),
        );
      }
      const quietLatencies = (await Promise.all(quiet)).map((result) => result.ms);
      return {
        scale: `${total} events at ${perSecond}/s for ${seconds} s: 10% new mentions, 10% thread replies, 10% redeliveries, 70% chatter the bot ignores${context.quick ? " (quick: 5 s instead of 30)" : ""}`,
        lines: [
          {
            label: "ack latency",
            figure: `p50 ${round(p50, 1)} ms, p99 ${round(p99, 1)} ms, max ${round(Math.max(...latencies), 1)} ms; ${failures} not 200`,
            target: "p99 ≤ 50 ms",
            met: p99 <= 50 && failures === 0,
          },
          {
            label: "ack latency, runtime idle",
            figure: `p50 ${round(percentile(quietLatencies, 0.5), 1)} ms, p99 ${round(percentile(quietLatencies, 0.99), 1)} ms (${quietTotal} events the bot ignores)`,
            target: "(receiver alone)",
            met: undefined,
          },
          {
            label: "redeliveries deduplicated",
            figure: `${sessions ?? "?"} sessions from ${mentions} mentions and ${retries} redeliveries`,
            target: "no session twice",
            met: sessions === undefined ? undefined : sessions <= mentions,
          },
        ],
        notes: [
          "Real code on the path: Bolt's HTTPReceiver, signature verification, the Slack surface's listeners and its database dedupe, the runtime answering every message through the fake LLM (300 ms) and replying through the fake Web API.",
          app.inProcess
            ? "Quick run on PGlite: the app shares the bench process with the sender and the fakes, so they slow each other down."
            : "The app runs in its own process; the sender, the fake Slack Web API and the fake LLM run in the bench process.",
          `Sending took ${round(sendSeconds, 1)} s for ${seconds} s of schedule.`,
          ...(firstError ? [`First failed request: ${firstError}.`] : []),
        ],
        details: {
          total,
          perSecond,
          seconds,
          mentions,
          retries,
          p50Ms: round(p50, 2),
          p90Ms: round(percentile(latencies, 0.9), 2),
          p99Ms: round(p99, 2),
          maxMs: round(Math.max(...latencies), 2),
          failures,
          sessions,
          idleRuntime: {
            total: quietTotal,
            p50Ms: round(percentile(quietLatencies, 0.5), 2),
            p99Ms: round(percentile(quietLatencies, 0.99), 2),
          },
          slackCalls: slack.calls.length,
          modelRequests: llm.usageTotals("anthropic").requests,
        },
      };
    } finally {
      await app.stop();
      await llm.close();
      await slack.close();
      await database?.drop();
    }
  },
};
