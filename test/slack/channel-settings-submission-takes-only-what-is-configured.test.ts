import { describe, expect, it } from "vitest";
import {
  channelSettingsModal,
  settingsFields,
  settingsValue,
} from "../../src/surfaces/slack/blocks/channel-settings-modal.ts";
import { readSettingsSubmission } from "../../src/surfaces/slack/channel-settings/settings-submission.ts";

const choices = {
  repositories: ["acme/web"],
  defaultRepository: undefined,
  models: ["anthropic:claude-haiku-5-5"],
  mcpServers: ["docs"],
};

function state(values: Record<string, unknown>) {
  return {
    values: Object.fromEntries(
      Object.entries(values).map(([block, value]) => [block, { [settingsValue]: value }]),
    ),
  };
}

describe("a settings submission", () => {
  it("reads every field the modal offers", () => {
    const read = readSettingsSubmission(
      state({
        [settingsFields.repository]: { selected_option: { value: "acme/web" } },
        [settingsFields.baseBranch]: { value: " release/1.2 " },
        [settingsFields.model("worker")]: { selected_option: { value: "anthropic:claude-haiku-5-5" } },
        [settingsFields.model("strong")]: { selected_option: { value: "-" } },
        [settingsFields.budgetUsd]: { value: "2.5" },
        [settingsFields.approverUsers]: { selected_users: ["U0ANN"] },
        [settingsFields.approverGroups]: { value: "<!subteam^S0OPS|@ops>, S0SRE" },
        [settingsFields.approvalPolicy]: { selected_option: { value: "approvers-only" } },
        [settingsFields.starterGroups]: { value: "S0DEVS" },
        [settingsFields.mcpServers]: { selected_options: [{ value: "docs" }] },
        [settingsFields.mcpTools]: { value: "docs:search" },
      }),
      choices,
      [],
    );
    expect(read).toEqual({
      ok: true,
      channel: undefined,
      settings: {
        repository: "acme/web",
        baseBranch: "release/1.2",
        models: { worker: "anthropic:claude-haiku-5-5" },
        budgetUsd: 2.5,
        approvers: ["U0ANN", "S0OPS", "S0SRE"],
        approvalPolicy: "approvers-only",
        starters: ["S0DEVS"],
        mcpServers: ["docs"],
        mcpTools: ["docs:search"],
      },
    });
  });

  it("refuses what the modal could not have offered, beside each field", () => {
    const read = readSettingsSubmission(
      state({
        [settingsFields.channel]: { selected_conversation: "not a channel" },
        [settingsFields.repository]: { selected_option: { value: "evil/repo" } },
        [settingsFields.baseBranch]: { value: "../../etc" },
        [settingsFields.model("supervisor")]: { selected_option: { value: "openai:expensive" } },
        [settingsFields.budgetUsd]: { value: "-3" },
        [settingsFields.approverGroups]: { value: "ops team" },
        [settingsFields.approvalPolicy]: { selected_option: { value: "approvers-only" } },
        [settingsFields.mcpServers]: { selected_options: [{ value: "shell" }] },
        [settingsFields.mcpTools]: { value: "shell:run" },
      }),
      choices,
      [],
    );
    expect(read.ok).toBe(false);
    expect(Object.keys(read.ok ? {} : read.errors).sort()).toEqual(
      [
        settingsFields.channel,
        settingsFields.repository,
        settingsFields.baseBranch,
        settingsFields.model("supervisor"),
        settingsFields.budgetUsd,
        settingsFields.approverGroups,
        settingsFields.approvalPolicy,
        settingsFields.mcpServers,
        settingsFields.mcpTools,
      ].sort(),
    );
  });

  it("prefills the modal with what is set", () => {
    const modal = channelSettingsModal({
      callbackId: "cb",
      metadata: { channel: "C0WEB" },
      input: {
        channel: "C0WEB",
        current: { repository: "acme/web", budgetUsd: 4, approvers: ["U0ANN", "S0OPS"] },
        repositories: choices.repositories,
        models: choices.models,
        mcpServers: [],
        defaults: { repository: undefined, budgetUsd: undefined },
      },
    });
    const json = JSON.stringify(modal);
    expect(json).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"acme/web"},"value":"acme/web"}',
    );
    expect(json).toContain('"initial_value":"4"');
    expect(json).toContain('"initial_users":["U0ANN"]');
    expect(json).toContain('"initial_value":"S0OPS"');
    expect(json).not.toContain(settingsFields.channel);
    expect(json).not.toContain(settingsFields.mcpServers);
  });
});
