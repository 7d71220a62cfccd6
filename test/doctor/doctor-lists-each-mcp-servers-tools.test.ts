import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMcpServers } from "../../src/application/doctor/check-mcp-servers.ts";
import {
  everythingOverHttp,
  everythingOverStdio,
  filesystemServer,
  reference,
  scratchDirectory,
} from "../helpers/mcp-servers.ts";

describe("npm run doctor's MCP checks", () => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  beforeAll(async () => {
    data = await scratchDirectory("mcp-doctor");
  });
  afterAll(async () => {
    await data?.remove();
  });

  it("lists each server's tools, skips one that needs a workspace, and names what is wrong with the others", async () => {
    const checks = await checkMcpServers(
      [
        everythingOverStdio(),
        filesystemServer([reference("workspace")]),
        everythingOverStdio({ name: "tracker", environment: { TOKEN: reference("TRACKER_TOKEN_UNSET") } }),
        everythingOverHttp("http://127.0.0.1:9/mcp", { name: "remote" }),
      ],
      { environment: {}, dataDir: data.path, sandbox: "required", searchPath: process.env.PATH ?? "" },
    );
    expect(checks.map((check) => [check.subject, check.status])).toEqual([
      ["MCP server everything", "ok"],
      ["MCP server files", "ok"],
      ["MCP server tracker", "problem"],
      ["MCP server remote", "problem"],
    ]);
    expect(checks[0]?.detail).toMatch(/^stdio \(node\): \d+ tools \(echo, .* more\), with instructions$/);
    expect(checks[1]?.detail).toContain("starts with each worker's workspace");
    expect(checks[2]?.detail).toContain("TRACKER_TOKEN_UNSET");
    expect(checks[3]?.detail).toContain('MCP server "remote" is unavailable');
    expect(checks[3]?.fix).toContain("mcpServers.remote");
  });
});
