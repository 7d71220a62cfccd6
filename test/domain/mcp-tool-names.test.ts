import { describe, expect, it } from "vitest";
import { mcpToolNames, providerToolNamePattern } from "../../src/domain/mcp-tool-names.ts";

describe("MCP tool names are namespaced and valid for both providers", () => {
  it("joins server and tool with a double underscore", () => {
    expect(mcpToolNames([{ server: "tracker", name: "create_issue" }])).toEqual(["tracker__create_issue"]);
  });

  it("replaces characters a provider refuses and keeps every name within the pattern", () => {
    const names = mcpToolNames([
      { server: "docs", name: "search.pages" },
      { server: "docs", name: "ünïcode tool/π" },
      { server: "s", name: "x".repeat(200) },
    ]);
    expect(names[0]).toBe("docs__search_pages");
    for (const name of names) expect(name).toMatch(providerToolNamePattern);
  });

  it("gives names that collide after cleaning a stable hash suffix, whatever the order", () => {
    const tools = [
      { server: "docs", name: "a.b" },
      { server: "docs", name: "a/b" },
      { server: "docs", name: "c" },
    ];
    const names = mcpToolNames(tools);
    expect(new Set(names).size).toBe(3);
    expect(names[2]).toBe("docs__c");
    expect(names[0]).toMatch(/^docs__a_b_[0-9a-f]{8}$/);
    const reversed = mcpToolNames([...tools].reverse());
    expect(reversed.reverse()).toEqual(names);
  });

  it("tells apart long names that only differ past the 64th character", () => {
    const long = "x".repeat(70);
    const names = mcpToolNames([
      { server: "srv", name: `${long}1` },
      { server: "srv", name: `${long}2` },
    ]);
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) expect(name).toMatch(providerToolNamePattern);
  });

  it("never takes a reserved (built-in) name", () => {
    const [name] = mcpToolNames([{ server: "read", name: "file" }], ["read__file"]);
    expect(name).not.toBe("read__file");
    expect(name).toMatch(providerToolNamePattern);
  });
});
