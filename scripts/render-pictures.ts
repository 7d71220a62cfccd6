/**
 * Writes docs/pictures/thread.html from the exact Block Kit Threadwork sends (the real
 * renderers, fixed example data), and docs/pictures/thread.png from it when Chromium is
 * installed. `npm run docs:pictures`; a test keeps the HTML equal to what the renderers give.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentSnapshot } from "../src/domain/agents.ts";
import { buildApprovalAction } from "../src/domain/approval-action.ts";
import type { RequestSnapshot } from "../src/domain/requests.ts";
import { renderApproval } from "../src/surfaces/slack/blocks/approval.ts";
import { markdownSection } from "../src/surfaces/slack/blocks/block.ts";
import { renderCrewBoard } from "../src/surfaces/slack/blocks/crew-board.ts";
import { renderQuestion } from "../src/surfaces/slack/blocks/question.ts";
import { type PictureMessage, threadHtml } from "./block-kit-html.ts";

export const picturesDirectory = path.resolve(import.meta.dirname, "../docs/pictures");
export const pictureLabel =
  "A rendering of the exact Block Kit Threadwork sends, drawn from its own renderers with example data: not a screenshot of Slack.";

const now = new Date("2026-12-07T10:14:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: input * 4,
  cacheWriteTokens: 0,
});

function worker(
  fields: Partial<AgentSnapshot> & Pick<AgentSnapshot, "id" | "title" | "status">,
): AgentSnapshot {
  return {
    sessionId: "session-1",
    parentId: "supervisor-1",
    role: "worker",
    model: "anthropic:claude-haiku-5-5",
    latestProgress: null,
    usage: usage(0, 0),
    costMicros: 0,
    priced: true,
    startedAt: minutesAgo(6),
    finishedAt: null,
    repository: "api",
    result: null,
    ...fields,
  };
}

function request(
  fields: Partial<RequestSnapshot> & Pick<RequestSnapshot, "id" | "kind" | "prompt">,
): RequestSnapshot {
  return {
    sessionId: "session-1",
    agentId: "worker-1",
    agentTitle: "Add a /health endpoint",
    choices: null,
    action: null,
    pattern: null,
    status: "pending",
    decision: null,
    answer: null,
    decidedBy: null,
    decidedAt: null,
    ...fields,
  };
}

/** The example thread: a mention, the supervisor's answer, the crew board, a question and an approval. */
export function exampleThread(): PictureMessage[] {
  const agents = [
    worker({
      id: "worker-1",
      title: "Add a /health endpoint",
      status: "waiting",
      latestProgress: "Wrote src/routes/health.ts and its test",
      usage: usage(41_200, 3_100),
      costMicros: 61_000,
    }),
    worker({
      id: "worker-2",
      title: "Document /health in the API guide",
      status: "running",
      latestProgress: "Reading docs/api.md",
      usage: usage(18_400, 900),
      costMicros: 22_000,
    }),
  ];
  const question = request({
    id: "request-1",
    kind: "question",
    prompt: "Should /health also check the database, or only that the process answers?",
    choices: ["Process only", "Include the database"],
  });
  const approval = request({
    id: "request-2",
    kind: "approval",
    agentId: "worker-2",
    agentTitle: "Document /health in the API guide",
    prompt: "run_command: npm run docs:build",
    action: buildApprovalAction({
      tool: "run_command",
      input: { command: "npm run docs:build" },
      description: "npm run docs:build",
      repo: "api",
      branch: "threadwork/document-health",
    }),
  });
  return [
    {
      author: "Ada",
      time: "10:08",
      blocks: [markdownSection("<@U0THREADWORK> add a /health endpoint to the api and document it")],
    },
    {
      author: "Threadwork",
      bot: true,
      time: "10:08",
      blocks: [
        markdownSection(
          "I'll put two sub-agents on it: one adds the endpoint with a test, the other documents it in the API guide.",
        ),
      ],
    },
    {
      author: "Threadwork",
      bot: true,
      time: "10:08",
      blocks: renderCrewBoard(agents, { now, style: "sections" }).blocks,
    },
    { author: "Threadwork", bot: true, time: "10:12", blocks: renderQuestion(question).blocks },
    { author: "Threadwork", bot: true, time: "10:13", blocks: renderApproval(approval).blocks },
  ];
}

export function examplePage(): string {
  return threadHtml(pictureLabel, exampleThread());
}

function chromium(): string | undefined {
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((file) =>
    existsSync(file),
  );
}

if (import.meta.main) {
  const html = path.join(picturesDirectory, "thread.html");
  writeFileSync(html, examplePage());
  const browser = chromium();
  if (!browser) {
    process.stdout.write(`Wrote ${html}; install Chromium to draw thread.png from it.\n`);
  } else {
    const png = path.join(picturesDirectory, "thread.png");
    execFileSync(
      browser,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        `--screenshot=${png}`,
        "--window-size=760,790",
        `file://${html}`,
      ],
      { stdio: "ignore" },
    );
    process.stdout.write(`Wrote ${html} and ${png}.\n`);
  }
}
