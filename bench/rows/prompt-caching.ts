import { eq } from "drizzle-orm";
import { z } from "zod";
import { agents } from "../../src/adapters/database/schema.ts";
import { defineTool } from "../../src/domain/tool.ts";
import { createMemorySurface } from "../../src/surfaces/memory-surface.ts";
import {
  type FakeLlmRequest,
  type FakeLlmResponse,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../../test/fakes/fake-llm-server.ts";
import {
  finishedCount,
  isSupervisorRequest,
  justSpawned,
  markerOf,
  sourceText,
} from "../support/fake-agents.ts";
import { benchMcpServers } from "../support/mcp-servers.ts";
import { startBenchRuntime } from "../support/runtime.ts";
import { round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

interface TokenTotals {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Share of input tokens read from the cache: reads / (uncached input + reads + writes). */
function cachedShare(totals: TokenTotals): number {
  const all = totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens;
  return all === 0 ? 0 : totals.cacheReadTokens / all;
}

function addTotals(rows: TokenTotals[]): TokenTotals {
  return rows.reduce(
    (total, row) => ({
      inputTokens: total.inputTokens + row.inputTokens,
      cacheReadTokens: total.cacheReadTokens + row.cacheReadTokens,
      cacheWriteTokens: total.cacheWriteTokens + row.cacheWriteTokens,
    }),
    { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  );
}

const readSourceTool = defineTool({
  name: "read_source",
  description: "Read a source file of the repository.",
  input: z.object({ path: z.string() }),
  risk: "safe",
  async execute(input) {
    return sourceText(input.path, 2400);
  },
});

const percent = (share: number) => `${round(share * 100, 1)}%`;

/**
 * Row 6: the fake Anthropic server's prefix-cache simulation (breakpoints, 20-block lookback,
 * 5-minute and 1-hour TTLs, 1,024-token minimum) driven through the real runtime and provider.
 */
export const promptCachingRow: BenchRow = {
  row: 6,
  name: "Prompt caching",
  async run(context) {
    const workerTurns = 20;
    const mcpToolCount = 20;
    const teamSize = 5;
    const teamTurns = context.quick ? 4 : 10;
    const pauseMinutes = 10;
    let clockOffsetMs = 0;
    const server = await startFakeLlmServer({
      minimumCacheableTokens: 1024,
      now: () => Date.now() + clockOffsetMs,
    });
    const database =
      context.quick && context.databases.kind === "pglite"
        ? { handle: await context.databases.shared(), close: async () => {} }
        : await context.databases.open("cache");
    context.watch(() => `${server.requests.length} model requests answered or held`);
    const runtimeOptions = {
      handle: database.handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: [readSourceTool],
      limits: { maxTurns: 40 },
    };
    let runtime = await startBenchRuntime(runtimeOptions);

    const worker = (request: FakeLlmRequest, marker: string, turns: number): FakeLlmResponse =>
      request.turnIndex < turns - 1
        ? toolCallResponse([
            { name: "read_source", input: { path: `src/${marker}/file-${request.turnIndex}.ts` } },
          ])
        : textResponse(`Read ${turns - 1} files of ${marker}; nothing needs changing.`);

    server.respondWith((request) => {
      const marker = markerOf(request) ?? "";
      if (!isSupervisorRequest(request)) {
        return worker(request, marker, marker.startsWith("single") ? workerTurns : teamTurns);
      }
      const size = marker.startsWith("single") ? 1 : teamSize;
      if (request.lastUserText.includes("and the tests?"))
        return textResponse("The tests pass on every branch.");
      if (request.turnIndex === 0) {
        return toolCallResponse(
          Array.from({ length: size }, (_, index) => ({
            name: "spawn_agent",
            input: {
              title: `Reader ${index + 1}`,
              brief: `[bench:${marker}-w${index}] Read the files of area ${index + 1} and report what needs changing.`,
            },
          })),
        );
      }
      if (justSpawned(request)) return textResponse(`Started ${size} sub-agent(s).`);
      if (finishedCount(request) >= size)
        return textResponse("Summary: every area is read; nothing needs changing.");
      return textResponse("Noted; waiting for the others.");
    });

    try {
      const sessionTotals = async (sessionId: string) => {
        const rows = await database.handle.db
          .select({
            role: agents.role,
            inputTokens: agents.inputTokens,
            cacheReadTokens: agents.cacheReadTokens,
            cacheWriteTokens: agents.cacheWriteTokens,
            turns: agents.turns,
          })
          .from(agents)
          .where(eq(agents.sessionId, sessionId));
        return rows;
      };

      const singleRun = async (marker: string) => {
        const surface = createMemorySurface(runtime, { userId: "owner" });
        await surface.send(`[bench:${marker}] Read the module and summarise it.`);
        await surface.waitFor(
          (event) => event.type === "reply-completed" && event.text.startsWith("Summary"),
          { timeoutMs: 120_000 },
        );
        surface.close();
        const found = (await sessionTotals(surface.sessionId() ?? "")).find((row) => row.role === "worker");
        if (!found) throw new Error("the sub-agent did not run");
        return found;
      };

      context.progress(`a ${workerTurns}-turn sub-agent`);
      const singleWorker = await singleRun("single");
      const singleShare = cachedShare(singleWorker);

      context.progress(`the same sub-agent offered ${mcpToolCount} MCP tools`);
      // The same runtime on the same database, now with MCP servers: only new agents list them.
      await runtime.stop();
      runtime = await startBenchRuntime({ ...runtimeOptions, mcpServers: benchMcpServers(mcpToolCount) });
      const mcpWorker = await singleRun("single-mcp");
      const mcpShare = cachedShare(mcpWorker);
      const offered = server.requests
        .find((request) => !isSupervisorRequest(request) && markerOf(request)?.startsWith("single-mcp"))
        ?.toolNames.filter((name) => name.startsWith("tracker__")).length;
      if (offered !== mcpToolCount)
        throw new Error(`the sub-agent was offered ${offered} MCP tools, not ${mcpToolCount}`);

      context.progress(
        `a supervisor with ${teamSize} sub-agents, then a follow-up ${pauseMinutes} simulated minutes later`,
      );
      const team = createMemorySurface(runtime, { userId: "owner" });
      await team.send("[bench:team] Read all five areas and tell me what needs changing.");
      await team.waitFor((event) => event.type === "reply-completed" && event.text.startsWith("Summary"), {
        timeoutMs: 120_000,
      });
      clockOffsetMs += pauseMinutes * 60_000;
      const before = team.events.length;
      await team.send("[bench:team] and the tests?");
      await team.waitFor((event) => event.type === "reply-completed" && event.text.startsWith("The tests"), {
        timeoutMs: 60_000,
        after: before,
      });
      const teamRows = await sessionTotals(team.sessionId() ?? "");
      const teamTotals = addTotals(teamRows);
      const teamShare = cachedShare(teamTotals);
      const supervisorRow = teamRows.find((row) => row.role === "supervisor");
      const supervisorShare = supervisorRow ? cachedShare(supervisorRow) : 0;
      team.close();

      return {
        scale: `1 sub-agent × ${workerTurns} turns; 1 supervisor + ${teamSize} sub-agents × ${teamTurns} turns, then a follow-up after ${pauseMinutes} simulated minutes${context.quick ? " (quick: 4 turns per team sub-agent)" : ""}`,
        lines: [
          {
            label: `cached input, ${workerTurns}-turn sub-agent`,
            figure: `${percent(singleShare)} (${singleWorker.cacheReadTokens} of ${singleWorker.inputTokens + singleWorker.cacheReadTokens + singleWorker.cacheWriteTokens} tokens)`,
            target: "≥ 90%",
            met: singleShare >= 0.9,
          },
          {
            label: `cached input, ${workerTurns}-turn sub-agent offered ${mcpToolCount} MCP tools`,
            figure: `${percent(mcpShare)} (${round((mcpShare - singleShare) * 100, 1)} points from without)`,
            target: "within 2 points",
            met: Math.abs(mcpShare - singleShare) <= 0.02,
          },
          {
            label: `cached input, supervisor + ${teamSize} sub-agents`,
            figure: `${percent(teamShare)} whole session (supervisor alone ${percent(supervisorShare)})`,
            target: "≥ 85%",
            met: teamShare >= 0.85,
          },
        ],
        notes: [
          "Share = cache reads / (uncached input + cache reads + cache writes), from the usage the runtime persisted per agent.",
          "Each tool result is ~2,400 characters (~600 tokens); prefixes under 1,024 tokens are not cached, as on Anthropic.",
          `The follow-up comes ${pauseMinutes} simulated minutes later: the supervisor's 1-hour breakpoints survive, the workers' 5-minute ones would not.`,
          `Whole session: ${teamTotals.inputTokens} input tokens missed the cache; the ${teamTotals.cacheWriteTokens} written are each turn's new content, written once. With nothing missed, short agents cap the share: a sub-agent's last turn is written and never read.`,
        ],
        details: {
          singleWorker,
          singleShare: round(singleShare, 4),
          mcpWorker,
          mcpShare: round(mcpShare, 4),
          team: teamRows,
          teamShare: round(teamShare, 4),
          supervisorShare: round(supervisorShare, 4),
          server: server.usageTotals("anthropic"),
        },
      };
    } finally {
      await runtime.stop();
      await database.close();
      await server.close();
    }
  },
};
