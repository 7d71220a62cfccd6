import { afterEach, describe, expect, it } from "vitest";
import {
  type CodeChannelHarness,
  owner,
  startCodeChannelHarness,
  stranger,
} from "./support/code-channel-harness.ts";
import { channel } from "./support/harness.ts";

const mentionTs = "1700000000.000100";

const diff = [
  "diff --git a/src/queue.ts b/src/queue.ts",
  "--- a/src/queue.ts",
  "+++ b/src/queue.ts",
  "@@ -1 +1 @@",
  "-const token = process.env.TOKEN;",
  '+const token = "xoxb-1234-abcdef"; // <!channel> look',
  "",
].join("\n");

describe("a code channel follows a session that puts sub-agents to work on a repository", () => {
  let harness: CodeChannelHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("is created from the thread, shows context, crew and diff, takes commands and is archived with a summary", async () => {
    harness = await startCodeChannelHarness({
      diffs: { diffOf: async () => ({ text: diff, headBranch: "threadwork/fix-queue" }) },
    });
    const { fake, runtime } = harness;
    const sessionId = await harness.mention("Ev1", mentionTs, "fix the flaky queue tests");

    // Sub-agents on a repository: a code channel is created from the session's thread.
    const fix = runtime.startAgent(sessionId, "Fix <!channel> queue", { repository: "app" });
    const docs = runtime.startAgent(sessionId, "Update docs", { repository: "app" });
    const codeChannel = await fake.waitFor(() => fake.codeChannels.only);
    expect(fake.callsTo("agents.conversations.create")).toHaveLength(1);
    expect(fake.callsTo("agents.conversations.create")[0]?.params).toMatchObject({
      origin_channel_id: channel,
      origin_message_ts: mentionTs,
      session_id: `threadwork-${sessionId}-1`,
      name: "fix the flaky queue tests",
    });
    expect(codeChannel.origin).toEqual({ channel, ts: mentionTs });
    // The thread says where the crew works.
    await fake.waitFor(() =>
      fake
        .threadMessages(channel, mentionTs)
        .find((message) => message.text.includes(`<#${codeChannel.id}>`)),
    );

    // Runtime commands are registered; the context bar and the crew tab follow the agents.
    await fake.waitFor(() => codeChannel.commands.length > 0);
    expect(codeChannel.commands.map((command) => command.name).sort()).toEqual([
      "budget",
      "crew-status",
      "stop",
    ]);
    const session = runtime.sessions.get(sessionId);
    if (session) session.costMicros = 42_000;
    runtime.progress(fix, "Reproduced the failure");
    await fake.waitFor(() =>
      codeChannel.contextBar.find((item) => item.key === "cost")?.label.startsWith("$0.0420"),
    );
    expect(codeChannel.contextBar.find((item) => item.key === "repository")).toMatchObject({ label: "app" });
    expect(codeChannel.contextBar.find((item) => item.key === "status")?.label).toBe("Working: 2 running");
    const crew = await fake.waitFor(() => codeChannel.views.get("crew"));
    await fake.waitFor(() => JSON.stringify(codeChannel.views.get("crew")?.blocks).includes("Reproduced"));
    const crewJson = JSON.stringify(codeChannel.views.get("crew")?.blocks);
    expect(crew.type).toBe("block_kit");
    expect(crewJson).toContain("Fix &lt;!channel&gt; queue");
    expect(crewJson).not.toContain("<!channel>");
    expect(crewJson).not.toContain('"button"');

    // A finished agent: the diff tab (secrets redacted) and the pull request in the context bar.
    runtime.finish(fix, {
      branch: "threadwork/fix-queue",
      pullRequestUrl: "https://github.com/acme/app/pull/7",
      diffStats: { files: 1, insertions: 1, deletions: 1 },
    });
    const diffView = await fake.waitFor(() => codeChannel.views.get("diff"));
    expect(diffView.type).toBe("diff");
    expect(diffView.headBranch).toBe("threadwork/fix-queue");
    expect(diffView.content).toContain('+const token = "[REDACTED]";');
    expect(diffView.content).not.toContain("xoxb-1234");
    await fake.waitFor(() => codeChannel.contextBar.find((item) => item.key === "pull-request"));
    expect(codeChannel.contextBar.find((item) => item.key === "pull-request")).toMatchObject({
      url: "https://github.com/acme/app/pull/7",
      icon: "link",
    });

    // `/crew-status` answers only the person who asked.
    expect(await harness.command(stranger, "crew-status")).toBe(200);
    const status = await fake.waitFor(() =>
      fake.callsTo("chat.postEphemeral").find((call) => call.params.user === stranger),
    );
    expect(status.params).toMatchObject({ channel: codeChannel.id });
    expect(String(status.params.text)).toContain("*Update docs*: running");

    // `/stop` from a stranger stops nothing; from the owner it stops the crew, as the board's Stop does.
    await harness.command(stranger, "stop");
    await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find(
          (call) => call.params.user === stranger && String(call.params.text).startsWith("Only the person"),
        ),
    );
    expect(runtime.inputs.some((input) => input.type === "cancel")).toBe(false);
    expect(docs.status).toBe("running");
    await harness.command(owner, "stop");
    await fake.waitFor(() => runtime.inputs.some((input) => input.type === "cancel"));
    expect(runtime.inputs.find((input) => input.type === "cancel")).toMatchObject({
      sessionId,
      userId: owner,
    });
    await fake.waitFor(() =>
      [...fake.messages.values()].find(
        (message) =>
          message.channel === codeChannel.id && message.text === `<@${owner}> stopped 1 sub-agent.`,
      ),
    );
    expect(runtime.agents.get(sessionId)?.find((agent) => agent.id === docs.id)?.status).toBe("cancelled");

    // The work is over: the channel closes with a summary, shared in the session's thread.
    runtime.emit({ type: "session-idle", sessionId });
    await fake.waitFor(() => codeChannel.archived);
    const archive = fake.callsTo("agents.conversations.archive")[0];
    const summary = fake.messages.get(`${codeChannel.id}:${String(archive?.params.summary_message_ts)}`);
    expect(summary?.text).toContain("Finished.");
    expect(JSON.stringify(summary?.blocks)).toContain("https://github.com/acme/app/pull/7");
    expect(codeChannel.summaryMessageTs).toBe(summary?.ts);
    expect(codeChannel.contextBar.find((item) => item.key === "status")?.label).toBe(
      "Finished: 1 done, 1 stopped",
    );
    expect(
      fake
        .threadMessages(channel, mentionTs)
        .some((message) => message.text === `Summary of <#${codeChannel.id}>`),
    ).toBe(true);
    // The thread kept its crew board all along.
    expect(fake.threadMessages(channel, mentionTs).some((message) => message.text.startsWith("Crew:"))).toBe(
      true,
    );
    // Slack accepted every call: nothing was logged as refused.
    expect(harness.logs().filter((line) => line.level >= 40)).toEqual([]);
  });

  it("decides a reached budget with /budget, under the approval rule", async () => {
    harness = await startCodeChannelHarness();
    const { fake, runtime } = harness;
    const sessionId = await harness.mention("Ev1", mentionTs, "migrate the billing cron");
    const worker = runtime.startAgent(sessionId, "Migrate cron", { repository: "app" });
    const codeChannel = await fake.waitFor(() => fake.codeChannels.only);
    await fake.waitFor(() => codeChannel.commands.length > 0);

    await harness.command(owner, "budget");
    const spend = await fake.waitFor(() =>
      fake.callsTo("chat.postEphemeral").find((call) => call.params.user === owner),
    );
    expect(String(spend.params.text)).toContain("The budget is not reached.");

    const request = runtime.request(worker, "budget", "The session spent $2.00 of its $2.00 budget.");
    await harness.command(stranger, "budget", "extend");
    await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find(
          (call) => call.params.user === stranger && String(call.params.text).startsWith("Only the person"),
        ),
    );
    expect(runtime.requests.get(request.id)?.status).toBe("pending");

    await harness.command(owner, "budget", "extend");
    await fake.waitFor(() => runtime.requests.get(request.id)?.status === "extended");
    expect(runtime.requests.get(request.id)?.decidedBy).toBe(owner);
    await fake.waitFor(() =>
      fake.callsTo("chat.postEphemeral").find((call) => call.params.text === "Budget extended."),
    );
  });
});

describe("where the workspace or the app lacks part of Slack Code", () => {
  let harness: CodeChannelHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("keeps every session in its thread and says why once, not once per session", async () => {
    harness = await startCodeChannelHarness();
    const { fake, runtime } = harness;
    fake.codeChannels.enabled = false;

    for (const [index, ts] of ["1700000000.000100", "1700000000.000200"].entries()) {
      const sessionId = await harness.mention(`Ev${index}`, ts, `task ${index}`);
      const worker = runtime.startAgent(sessionId, `Worker ${index}`, { repository: "app" });
      runtime.progress(worker, "working on it");
      // The thread carries the session as without code channels: its crew board is there.
      await fake.waitFor(() =>
        fake.threadMessages(channel, ts).find((message) => message.text.startsWith("Crew:")),
      );
    }

    expect(fake.codeChannels.channels.size).toBe(0);
    const refusals = harness
      .logs()
      .filter((line) => line.msg.startsWith("Slack code channels are not available"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      slackError: "feature_disabled",
      method: "agents.conversations.create",
    });
    // The second session did not ask Slack again, and nothing else was logged as a problem.
    expect(fake.calls.filter((call) => call.method === "agents.conversations.create")).toHaveLength(1);
    expect(harness.logs().filter((line) => line.level >= 40)).toEqual(refusals);
  });

  it("works without runtime commands where the app has no command URL, and says so once", async () => {
    harness = await startCodeChannelHarness();
    const { fake, runtime } = harness;
    fake.codeChannels.commandUrlConfigured = false;

    for (const [index, ts] of ["1700000000.000100", "1700000000.000200"].entries()) {
      const sessionId = await harness.mention(`Ev${index}`, ts, `task ${index}`);
      runtime.startAgent(sessionId, `Worker ${index}`, { repository: "app" });
      await fake.waitFor(() =>
        [...fake.codeChannels.channels.values()]
          .find((codeChannel) => codeChannel.origin?.ts === ts)
          ?.views.get("crew"),
      );
    }
    expect(fake.calls.filter((call) => call.method === "agents.conversations.setCommands")).toHaveLength(2);
    const warnings = harness.logs().filter((line) => line.level >= 40);
    expect(warnings.map((line) => line.msg)).toEqual([
      "Slack has no URL for code channel commands: set features.code_channels.slash_command_url (HTTP mode)",
    ]);
  });
});
