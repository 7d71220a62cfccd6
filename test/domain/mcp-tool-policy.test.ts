import { describe, expect, it } from "vitest";
import { type McpServerPolicy, mcpToolRisk } from "../../src/domain/mcp-tool-policy.ts";

const server: McpServerPolicy = { use: "both", policy: "ask", trustAnnotations: false, tools: {} };
const readOnly = { name: "lookup", annotations: { readOnlyHint: true } };

describe("MCP tool risk follows the operator's policy, never the server's claims alone", () => {
  it("asks by default, even for a tool that claims to be read-only", () => {
    expect(mcpToolRisk(server, readOnly, "worker")).toBe("risky");
    expect(mcpToolRisk(server, { name: "write" }, "supervisor")).toBe("risky");
  });

  it("lets a read-only claim count only when the server's annotations are trusted", () => {
    const trusted = { ...server, trustAnnotations: true };
    expect(mcpToolRisk(trusted, readOnly, "worker")).toBe("safe");
    expect(mcpToolRisk(trusted, { name: "write", annotations: { readOnlyHint: false } }, "worker")).toBe(
      "risky",
    );
    expect(mcpToolRisk({ ...trusted, tools: { lookup: { policy: "ask" } } }, readOnly, "worker")).toBe(
      "risky",
    );
  });

  it("lets a tool's own policy win over its server's", () => {
    expect(mcpToolRisk({ ...server, tools: { lookup: { policy: "safe" } } }, readOnly, "worker")).toBe(
      "safe",
    );
    expect(
      mcpToolRisk({ ...server, policy: "safe", tools: { lookup: { policy: "ask" } } }, readOnly, "worker"),
    ).toBe("risky");
    expect(
      mcpToolRisk({ ...server, policy: "safe", tools: { lookup: { policy: "never" } } }, readOnly, "worker"),
    ).toBe("not offered");
    expect(mcpToolRisk({ ...server, policy: "never" }, readOnly, "worker")).toBe("not offered");
    expect(
      mcpToolRisk({ ...server, policy: "never", tools: { lookup: { policy: "safe" } } }, readOnly, "worker"),
    ).toBe("safe");
  });

  it("offers a tool only to the audience its tool or server names", () => {
    expect(mcpToolRisk({ ...server, use: "workers" }, readOnly, "supervisor")).toBe("not offered");
    expect(mcpToolRisk({ ...server, use: "supervisor" }, readOnly, "worker")).toBe("not offered");
    expect(
      mcpToolRisk({ ...server, use: "workers", tools: { lookup: { use: "both" } } }, readOnly, "supervisor"),
    ).toBe("risky");
    expect(mcpToolRisk({ ...server, tools: { lookup: { use: "supervisor" } } }, readOnly, "worker")).toBe(
      "not offered",
    );
  });

  it("is not fooled by a tool named like an object's own properties", () => {
    expect(mcpToolRisk(server, { name: "constructor" }, "worker")).toBe("risky");
    expect(mcpToolRisk(server, { name: "__proto__" }, "worker")).toBe("risky");
  });
});
