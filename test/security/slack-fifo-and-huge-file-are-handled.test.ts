import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { type FakeLlmRequest, textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel } from "../slack/support/harness.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";
const threadTs = "1700720000.000100";
const pipes = ["pipe-1", "pipe-2", "pipe-3", "pipe-4"];
const hugeOutput = `HEAD-MARK${"h".repeat(2_016_985)}MIDDLE-MARK${"t".repeat(2_016_985)}TAIL-MARK`;

/** A tool from an integration that returns 4,033,999 characters. */
const fetchReport = defineTool({
  name: "fetch_report",
  description: "A tool from an integration that returns far too much.",
  input: z.object({}),
  risk: "safe",
  execute: async () => hugeOutput,
});

/**
 * The owner mentions the bot; the model (steered by repository text) points read_file at
 * four named pipes at once, reads a 4 MB file and calls a tool that returns 4 MB. Nothing
 * may hang the service, nothing unbounded may reach a model or Slack, and the session ends.
 */
describe("a FIFO and a 4 MB file, through Slack", () => {
  let world: SlackWithRuntime;
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let root = "";

  beforeAll(async () => {
    directory = await temporaryDirectory("slack-fifo");
    root = join(directory.path, "work");
    await mkdir(root);
    for (const name of pipes) execFileSync("mkfifo", [join(root, name)]);
    await writeFile(join(root, "big.txt"), `${"x".repeat(99)}\n`.repeat(40_000));
    const workspace: Workspace = { repoName: "app", root, branch: "threadwork/s/a", baseCommit: "HEAD" };
    world = await startSlackWithRuntime({
      workerTools: [...createWorkspaceTools({ allowCommands: [], sandbox: "off" }), fetchReport],
      workspaces: { createWorkspace: async () => workspace, finalizeWorkspace: async () => ({}) },
      repositories: { names: ["app"], defaultRepository: "app" },
      respond: (request: FakeLlmRequest) => {
        if (isSupervisorRequest(request)) {
          if (request.lastUserText.includes("finished")) return textResponse("DONE probing.");
          if (request.turnIndex > 0) return textResponse("Started.");
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Prober", brief: "probe the files" } },
          ]);
        }
        if (!briefOf(request).startsWith("probe")) return textResponse("?");
        switch (request.turnIndex) {
          case 0:
            return toolCallResponse(pipes.map((path) => ({ name: "read_file", input: { path } })));
          case 1:
            return toolCallResponse([{ name: "read_file", input: { path: "big.txt" } }]);
          case 2:
            return toolCallResponse([{ name: "fetch_report", input: {} }]);
          default:
            return toolCallResponse([{ name: "finish", input: { summary: "Probed the files." } }]);
        }
      },
    });
    world.fake.addUser({ id: owner, name: "owner" });
  });
  afterAll(async () => {
    // Should a read ever block on a pipe again, a writer that closes at once lets it go.
    // Synchronous calls, so a libuv pool stalled by blocked reads cannot stall this too.
    for (const name of pipes) {
      try {
        closeSync(openSync(join(root, name), constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it.
      }
    }
    await world?.close();
    await directory?.remove();
  });

  it("refuses the pipes at once, caps the file and the tool result, and the session finishes", async () => {
    const { fake, harness, llm } = world;
    const posted = (prefix: string) => fake.latestThreadMessage(channel, threadTs, prefix);
    await harness.event("EvFifo", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> probe the files`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(() => posted("DONE probing."), 20_000);
    const board = await fake.waitFor(() => posted("Crew:"), 10_000);
    await fake.waitFor(() => board.text.includes("Prober: done"), 10_000);

    const worker = (turn: number) =>
      llm.requests.find((request) => !isSupervisorRequest(request) && request.turnIndex === turn);
    const specials = worker(1)?.lastToolResults ?? [];
    expect(specials).toHaveLength(4);
    for (const [index, result] of specials.entries()) {
      expect(result).toMatchObject({
        isError: true,
        content: `"${pipes[index]}" is not a regular file (a named pipe); only regular files can be read.`,
      });
    }

    const whole = worker(2)?.lastToolResults[0]?.content ?? "";
    // read_file bounds itself (at most 100 KB of 100-byte lines) and says where to continue.
    expect(whole.length).toBeLessThanOrEqual(100_000);
    const shownLines = /\(showing lines 1-(\d+) of 40000; \d+ more lines: continue with offset=(\d+)\)$/.exec(
      whole,
    );
    expect(Number(shownLines?.[1])).toBeLessThanOrEqual(1000);
    expect(Number(shownLines?.[2])).toBe(Number(shownLines?.[1]) + 1);

    // Booleans, so a failure does not print four megabytes.
    const capped = worker(3)?.lastToolResults[0]?.content ?? "";
    expect(capped.length <= 100_000).toBe(true);
    expect(capped.startsWith("HEAD-MARK") && capped.endsWith("TAIL-MARK")).toBe(true);
    expect(capped.includes(`of ${hugeOutput.length} characters cut here`)).toBe(true);

    // No request to any model, and no call to Slack, carries the four megabytes.
    for (const request of llm.requests) {
      const body = JSON.stringify(request.body);
      expect(body.length < 400_000 && !body.includes("MIDDLE-MARK")).toBe(true);
    }
    for (const call of fake.calls) {
      const params = JSON.stringify(call.params);
      expect(params.length < 50_000 && !params.includes("MIDDLE-MARK")).toBe(true);
    }
  });
});
