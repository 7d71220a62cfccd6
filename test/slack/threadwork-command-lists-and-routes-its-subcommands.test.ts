import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseSubcommand,
  subcommandHelp,
  threadworkCommand,
} from "../../src/surfaces/slack/commands/threadwork-command.ts";
import type { Subcommand } from "../../src/surfaces/slack/commands/threadwork-subcommand.ts";
import { threadworkSubcommands } from "../../src/surfaces/slack/commands/threadwork-subcommands.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const echo: Subcommand = {
  name: "echo",
  summary: "says it back",
  usage: "/threadwork echo <words>",
  run: async (call) => call.reply(call.text),
};

describe("/threadwork", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ runtime: new ScriptedRuntime() });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("answers an unknown or missing subcommand with the list, to the person alone", async () => {
    expect(await harness.command({ user: "U0OWNER", command: threadworkCommand, text: "nonsense" })).toBe(
      200,
    );
    const help = await harness.fake.waitFor(() => harness.fake.callsTo("chat.postEphemeral")[0]);
    expect(help.params).toMatchObject({ user: "U0OWNER", text: subcommandHelp(threadworkSubcommands) });
  });

  it("routes by the first word, whatever its case, and passes the rest", () => {
    expect(parseSubcommand("  ECHO  hello   there ", [echo])).toEqual({
      subcommand: echo,
      rest: "hello   there",
    });
    expect(parseSubcommand("echoes", [echo])).toBeUndefined();
    expect(parseSubcommand("", [echo])).toBeUndefined();
    expect(subcommandHelp([echo])).toBe(
      "*`/threadwork` subcommands*\n• `/threadwork echo <words>`: says it back",
    );
  });
});
