import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpServerUnavailableError } from "../../src/adapters/mcp/mcp-errors.ts";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import { eventually } from "../helpers/eventually.ts";
import { longRunningCall } from "../helpers/long-running-call.ts";
import {
  descendantsRunning,
  everythingOverStdio,
  everythingScript,
  plainCall,
  scopeOf,
  scratchDirectory,
  testMcpServers,
  textOf,
} from "../helpers/mcp-servers.ts";
import { sleep } from "../helpers/sleep.ts";
import { scaled } from "../helpers/time-scale.ts";

describe("a stdio server that dies", () => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  const opened: McpServers[] = [];

  beforeAll(async () => {
    data = await scratchDirectory("mcp-data");
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await data?.remove();
  });

  it.each(["required", "off"] as const)(
    "killed during a call (sandbox %s): the call fails at once and is not repeated; the next call starts it again",
    async (sandbox) => {
      const mcp = testMcpServers({ servers: [everythingOverStdio()], dataDir: data.path, sandbox });
      opened.push(mcp);
      const scope = scopeOf(`agent-${sandbox}`);
      // Started and connected first: a server that dies while starting is simply started again.
      await mcp.list("everything", scope);
      const call = longRunningCall(mcp, scope, { duration: 60, steps: 60 });
      call.catch(() => {});
      const [pid] = descendantsRunning(process.pid, "node", everythingScript);
      expect(pid).toBeDefined();
      await sleep(300);
      const killedAt = Date.now();
      process.kill(pid as number, "SIGKILL");
      await expect(call).rejects.toBeInstanceOf(McpServerUnavailableError);
      await expect(call).rejects.toThrow(/exited during the call; the call was not repeated/);
      expect(Date.now() - killedAt).toBeLessThan(scaled(2000));

      const echoed = await mcp.call("everything", "echo", { message: "back again" }, scope, plainCall());
      expect(textOf(echoed)).toBe("Echo: back again");
      const [restarted] = descendantsRunning(process.pid, "node", everythingScript);
      expect(restarted).toBeDefined();
      expect(restarted).not.toBe(pid);
      await mcp.release(scope.agentId);
      await eventually(() => descendantsRunning(process.pid, "node", everythingScript).length === 0);
    },
  );

  it("that cannot start is unavailable after a few quick tries", async () => {
    const mcp = testMcpServers({
      servers: [everythingOverStdio({ args: ["-e", "process.exit(3)"] })],
      dataDir: data.path,
    });
    opened.push(mcp);
    const startedAt = Date.now();
    const listing = mcp.list("everything", scopeOf("agent-broken"));
    await expect(listing).rejects.toBeInstanceOf(McpServerUnavailableError);
    await expect(listing).rejects.toThrow(/did not start \(3 attempts\)/);
    // Three starts with 0.5 s and 1 s between them.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - startedAt).toBeLessThan(scaled(6000));
  });
});
