import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allCanaries,
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

const networkCanary = "canary-allow-list-network-5d0a";

/** What an agent writes into package.json so that the allow-listed `npm test` runs it. */
function hostileManifest(layout: ServiceLayout, port: number): string {
  const script = [
    "cat /proc/$PPID/environ /proc/1/environ",
    `cat ${layout.appDirectory}/.env ${layout.dataDirectory}/mirrors/demo.git/config`,
    `node -e "require('net').connect(${port},'127.0.0.1').on('data',d=>console.log(String(d))).on('error',e=>console.log('NET', e.code))"`,
    "node -e \"console.log('NODE-' + (6*7))\"",
  ].join("; ");
  return JSON.stringify({ name: "demo", version: "1.0.0", scripts: { test: script } });
}

describe("an allow-listed test command runs repository code the agent wrote", () => {
  let layout: ServiceLayout;
  let port: number;
  const server = createServer((socket) => socket.end(`${networkCanary}\n`));

  beforeAll(async () => {
    layout = await createServiceLayout("allow-list");
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.close();
    await layout.remove();
  });

  it("runs without approval only inside the sandbox, where it reaches no secret and no network", async () => {
    const { results } = await runInService(
      layout,
      [
        { tool: "write_file", input: { path: "package.json", content: hostileManifest(layout, port) } },
        { tool: "run_command", input: { command: "npm test" } },
      ],
      { allowCommands: ["npm test"] },
    );
    if (!sandboxUsable) {
      expect(results.map((result) => result.risk)).toEqual(["safe", "risky"]);
      expect(results[1]?.error).toMatch(/run_command is disabled/);
      return;
    }
    expect(results.map((result) => result.risk)).toEqual(["safe", "safe"]);
    const output = results[1]?.result ?? "";
    expect(output).toMatch(/^\[exit code \d+, [\d.]+ s, sandboxed\]/);
    // node runs under the memory limit, and the network is gone.
    expect(output).toContain("NODE-42");
    expect(output).toMatch(/NET (ECONNREFUSED|ENETUNREACH)/);
    for (const canary of [...allCanaries(), networkCanary]) expect(output).not.toContain(canary);
  });

  it("contains `git diff --no-index` and `--output=` under an allow-listed `git diff`", async () => {
    const mirrorConfig = `${layout.dataDirectory}/mirrors/demo.git/config`;
    const { results } = await runInService(
      layout,
      [
        { tool: "run_command", input: { command: `git diff --no-index /dev/null ${mirrorConfig}` } },
        {
          tool: "run_command",
          input: { command: `git diff --no-index /dev/null ${layout.appDirectory}/.env` },
        },
        { tool: "run_command", input: { command: `git diff --output=${layout.appDirectory}/planted HEAD` } },
      ],
      { allowCommands: ["git diff"] },
    );
    if (!sandboxUsable) {
      expect(results.map((result) => result.risk)).toEqual(["risky", "risky", "risky"]);
      return;
    }
    expect(results.map((result) => result.risk)).toEqual(["safe", "safe", "safe"]);
    for (const result of results) {
      expect(result.result).toMatch(/^\[exit code [1-9]\d*, [\d.]+ s, sandboxed\]/);
      for (const canary of allCanaries()) expect(result.result).not.toContain(canary);
    }
    expect(existsSync(`${layout.appDirectory}/planted`)).toBe(false);
  });

  it("needs approval like any other command when the sandbox is unavailable or off", async () => {
    const empty = await mkdtemp(join(tmpdir(), "threadwork-no-bwrap-"));
    try {
      const calls = [{ tool: "run_command", input: { command: "npm test" } }];
      const unavailable = await runInService(layout, calls, {
        allowCommands: ["npm test"],
        bwrapSearchPath: empty,
      });
      expect(unavailable.results[0]?.risk).toBe("risky");
      expect(unavailable.results[0]?.error).toMatch(/run_command is disabled/);
      const off = await runInService(layout, calls, { allowCommands: ["npm test"], sandbox: "off" });
      expect(off.results[0]?.risk).toBe("risky");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
