import { describe, expect, it } from "vitest";
import {
  changedSettings,
  repositoryFromTopic,
  resolveChannelSettings,
  sessionSettingsFrom,
  settingsLine,
} from "../../src/domain/channel-settings.ts";
import { mcpToolOffered, sessionSettingsOf } from "../../src/domain/session-settings.ts";

const deployment = { repositories: ["acme/web", "acme/api"], defaultRepository: "acme/api" };

describe("channel settings", () => {
  it("reads repo:NAME and repo:NAME@branch from a topic, and nothing else", () => {
    expect(repositoryFromTopic("Web team · repo:acme/web")).toEqual({ name: "acme/web" });
    expect(repositoryFromTopic("repo:acme/web@release, on call: @ann")).toEqual({
      name: "acme/web",
      baseBranch: "release",
    });
    expect(repositoryFromTopic("our repo: acme/web")).toBeUndefined();
    expect(repositoryFromTopic("myrepo:acme/web")).toBeUndefined();
    expect(repositoryFromTopic(undefined)).toBeUndefined();
  });

  it("prefers the explicit repository, then the topic's, then the deployment's default", () => {
    const explicit = resolveChannelSettings({
      explicit: { repository: "acme/web", baseBranch: "main" },
      topic: "repo:acme/api",
      deployment,
    });
    expect(explicit.repository).toEqual({ name: "acme/web", baseBranch: "main", source: "channel" });
    const topic = resolveChannelSettings({
      explicit: { budgetUsd: 5 },
      topic: "repo:acme/web@dev",
      deployment,
    });
    expect(topic.repository).toEqual({ name: "acme/web", baseBranch: "dev", source: "topic" });
    const unknown = resolveChannelSettings({ explicit: undefined, topic: "repo:evil/other", deployment });
    expect(unknown.repository).toEqual({ name: "acme/api", baseBranch: undefined, source: "deployment" });
    expect(settingsLine(unknown)).toBeUndefined();
  });

  it("names the settings in force on one line, groups as mentions", () => {
    const inForce = resolveChannelSettings({
      explicit: { repository: "acme/web", baseBranch: "main", budgetUsd: 5, approvers: ["S0OPS", "U0ANN"] },
      topic: undefined,
      deployment,
    });
    expect(settingsLine(inForce)).toBe(
      "Channel settings: repo acme/web@main · budget $5 · approvers <!subteam^S0OPS> <@U0ANN>",
    );
    const fromTopic = resolveChannelSettings({ explicit: undefined, topic: "repo:acme/web", deployment });
    expect(settingsLine(fromTopic)).toBe("Channel settings: repo acme/web (from the topic)");
  });

  it("gives the session only what the channel changes, and parses it back from metadata", () => {
    const inForce = resolveChannelSettings({
      explicit: { budgetUsd: 2.5, approvalPolicy: "approvers-only", mcpServers: ["docs"] },
      topic: undefined,
      deployment,
    });
    const settings = sessionSettingsFrom(inForce, ["U0ANN"]);
    expect(settings).toEqual({
      budgetUsd: 2.5,
      approverIds: ["U0ANN"],
      approvalPolicy: "approvers-only",
      mcpServers: ["docs"],
    });
    expect(sessionSettingsOf({ settings })).toEqual(settings);
    expect(sessionSettingsOf({ settings: { budgetUsd: -1 } })).toEqual({});
    expect(sessionSettingsOf({})).toEqual({});
  });

  it("offers MCP tools of the servers named, and only the tools named for a server", () => {
    const settings = { mcpServers: ["docs", "tickets"], mcpTools: ["tickets:read"] };
    expect(mcpToolOffered(settings, "docs", "search")).toBe(true);
    expect(mcpToolOffered(settings, "tickets", "read")).toBe(true);
    expect(mcpToolOffered(settings, "tickets", "delete")).toBe(false);
    expect(mcpToolOffered(settings, "shell", "run")).toBe(false);
    expect(mcpToolOffered({}, "shell", "run")).toBe(true);
  });

  it("lists the settings a change touches, with their new values", () => {
    expect(
      changedSettings({ budgetUsd: 5, repository: "acme/web" }, { budgetUsd: 7, repository: "acme/web" }),
    ).toEqual([{ setting: "budgetUsd", value: 7 }]);
    expect(changedSettings(undefined, { approvers: ["S0OPS"] })).toEqual([
      { setting: "approvers", value: ["S0OPS"] },
    ]);
    expect(changedSettings({ budgetUsd: 5 }, {})).toEqual([{ setting: "budgetUsd", value: null }]);
  });
});
