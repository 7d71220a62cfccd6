import { describe, expect, it } from "vitest";
import { parseWatchCommand } from "../../src/domain/watch-command.ts";
import {
  alertFingerprint,
  globContains,
  messageMatches,
  type WatchRuleDefinition,
} from "../../src/domain/watch-rule.ts";

const rule: WatchRuleDefinition = {
  channel: "C0OPS",
  ownerId: "U0OWNER",
  request: "investigate",
  bots: ["B0ALERTS", "A0DEPLOY"],
  hourlyLimit: 5,
  dedupSeconds: 600,
};

describe("watch rule matching", () => {
  it("matches a glob anywhere in the text, ignoring case", () => {
    expect(globContains("disk * full", "CRITICAL: Disk on db-1 is FULL now")).toBe(true);
    expect(globContains("db-?", "db-7 down")).toBe(true);
    expect(globContains("db-?", "db- down")).toBe(true);
    expect(globContains("5xx", "api 4xx rate")).toBe(false);
    expect(globContains("a*b*c", "a b")).toBe(false);
  });

  it("takes linear time on a pattern that makes a backtracking regex explode", () => {
    const started = performance.now();
    expect(globContains("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(20_000))).toBe(false);
    // A backtracking matcher takes minutes here; this one takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("takes only listed bots' or apps' messages, never a person's", () => {
    expect(messageMatches(rule, { botId: "B0ALERTS", fromBot: true, text: "x" })).toBe(true);
    expect(messageMatches(rule, { appId: "A0DEPLOY", fromBot: true, text: "x" })).toBe(true);
    expect(messageMatches(rule, { botId: "B0OTHER", fromBot: true, text: "x" })).toBe(false);
    expect(messageMatches({ ...rule, bots: [] }, { fromBot: false, text: "x" })).toBe(false);
    expect(
      messageMatches({ ...rule, pattern: "deploy failed" }, { botId: "B0ALERTS", fromBot: true, text: "ok" }),
    ).toBe(false);
    // A reaction-only rule starts nothing from a post.
    expect(
      messageMatches({ ...rule, bots: [], reaction: "eyes" }, { botId: "B1", fromBot: true, text: "x" }),
    ).toBe(false);
  });

  it("treats alerts differing only in case and spacing as the same", () => {
    expect(alertFingerprint("Disk  FULL\non db-1")).toBe(alertFingerprint("disk full on db-1"));
    expect(alertFingerprint("disk full on db-1")).not.toBe(alertFingerprint("disk full on db-2"));
  });
});

describe("/threadwork watch grammar", () => {
  it("reads a rule's options and its request", () => {
    expect(
      parseWatchCommand(
        'bots B123,A456 matching "disk: * full" reaction :rotating_light: limit 3/h dedup 5m: investigate it',
      ),
    ).toEqual({
      kind: "create",
      bots: ["B123", "A456"],
      pattern: "disk: * full",
      reaction: "rotating_light",
      hourlyLimit: 3,
      dedupSeconds: 300,
      request: "investigate it",
    });
    expect(parseWatchCommand("reaction :eyes:: look")).toMatchObject({ reaction: "eyes", request: "look" });
    expect(parseWatchCommand("reaction eyes: look")).toMatchObject({ reaction: "eyes", request: "look" });
    expect(parseWatchCommand("bots B123: look")).toEqual({
      kind: "create",
      bots: ["B123"],
      hourlyLimit: 5,
      dedupSeconds: 600,
      request: "look",
    });
  });

  it("reads a long line of colons in linear time", () => {
    const started = performance.now();
    expect(parseWatchCommand(`bots B1X ${":".repeat(4000)}`).kind).toBe("create");
    expect(parseWatchCommand(`${":eyes: ".repeat(600)}`).kind).toBe("invalid");
    expect(parseWatchCommand(`${"a:".repeat(2000)}`).kind).toBe("invalid");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("reads list and off", () => {
    expect(parseWatchCommand(" LIST ")).toEqual({ kind: "list" });
    expect(parseWatchCommand("off w1234abcd")).toEqual({ kind: "off", ruleId: "w1234abcd" });
  });

  it("refuses what it cannot read, saying why", () => {
    const problem = (text: string) => {
      const parsed = parseWatchCommand(text);
      return parsed.kind === "invalid" ? parsed.problem : undefined;
    };
    expect(problem("bots B123")).toContain("end the rule with");
    expect(problem("bots B123:")).toContain("end the rule with");
    expect(problem(": do it")).toContain("say what to watch");
    expect(problem("bots U123: x")).toContain("bot ids");
    expect(problem("limit 500/h bots B1X: x")).toContain("1 to 60");
    expect(problem("limit 5 bots B1X: x")).toContain("sessions per hour");
    expect(problem("colour red: x")).toContain("unknown word");
    expect(problem("bots: x")).toBeDefined();
    expect(problem("off")).toContain("which rule");
    expect(problem(`matching "${"x".repeat(201)}": x`)).toContain("1 to 200");
  });
});
