import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allCanaries,
  canaries,
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

const networkCanary = "canary-reachable-network-3e9f";

/** Everything an approved command might try, in one script. */
function attack(layout: ServiceLayout, port: number): string {
  return [
    'echo "ppid $PPID"',
    "cat /proc/$PPID/environ",
    "cat /proc/1/environ",
    "for file in /proc/[0-9]*/environ; do cat $file; echo; done",
    "for file in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $file; echo; done",
    `cat ${layout.appDirectory}/.env`,
    `cat ${layout.dataDirectory}/canary-secret.txt`,
    `cat ${layout.dataDirectory}/workspaces/s/other/notes.txt`,
    `cat ${layout.dataDirectory}/mirrors/demo.git/config`,
    `ls -R ${layout.dataDirectory} ${layout.base}`,
    "cat /etc/shadow",
    "ls /var/run/postgresql /run/postgresql /root /home",
    "ls /tmp/.s.PGSQL.5432 && echo PG-SOCKET-$((6*7))",
    "(exec 3<>/dev/tcp/127.0.0.1/5432) && echo PG-TCP-$((6*7))",
    `(exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3)`,
    "env",
    "echo ATTACK-$((6*7))",
  ].join("; ");
}

describe("a sandboxed command cannot read the service's secrets", () => {
  let layout: ServiceLayout;
  let port: number;
  const server = createServer((socket) => socket.end(`${networkCanary}\n`));

  beforeAll(async () => {
    layout = await createServiceLayout("secrets");
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.close();
    await layout.remove();
  });

  it("reads no process environment, data directory, app .env, mirror config, database or network", async () => {
    const { results, logs } = await runInService(layout, [
      { tool: "run_command", input: { command: attack(layout, port) } },
    ]);
    if (!sandboxUsable) {
      expect(results[0]?.error).toMatch(/run_command is disabled/);
      return;
    }
    const output = results[0]?.result ?? "";
    expect(output).toMatch(/^\[exit code \d+, [\d.]+ s, sandboxed\]/);
    // Markers are computed so that the command text itself (visible in /proc/1/cmdline) never matches.
    expect(output).toContain("ATTACK-42");
    for (const canary of [...allCanaries(), networkCanary]) expect(output).not.toContain(canary);
    expect(output).not.toContain("PG-TCP-42");
    expect(output).not.toContain("PG-SOCKET-42");
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: "command sandbox active",
        version: expect.stringMatching(/bubblewrap/),
      }),
    );
  });

  it("cannot plant symlinks that the service's own file tools would follow to its secrets", async () => {
    const links = [
      "ln -s /proc/self/environ service-environment",
      `ln -s ${layout.appDirectory}/.env dotenv`,
      `ln -s ${layout.dataDirectory} data`,
    ].join("; ");
    const { results } = await runInService(layout, [
      { tool: "run_command", input: { command: links } },
      { tool: "read_file", input: { path: "service-environment" } },
      { tool: "read_file", input: { path: "dotenv" } },
      { tool: "read_file", input: { path: "data/canary-secret.txt" } },
      { tool: "list_files", input: { path: "data" } },
    ]);
    // Without a usable sandbox the links are never made (run_command refuses); nothing leaks either way.
    for (const result of results.slice(1)) {
      if (sandboxUsable) expect(result.error ?? "").toMatch(/symlink|outside the workspace/);
      for (const canary of allCanaries()) expect(JSON.stringify(result)).not.toContain(canary);
    }
  });

  it("with THREADWORK_SANDBOX=off the same command reads them (the risk the operator accepted), and start-up warns", async () => {
    const { results, logs } = await runInService(
      layout,
      [{ tool: "run_command", input: { command: attack(layout, port) } }],
      { sandbox: "off" },
    );
    const output = results[0]?.result ?? "";
    expect(output).toMatch(/NOT sandboxed\]/);
    expect(output).toContain(canaries.SLACK_BOT_TOKEN);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/^COMMAND SANDBOX OFF/) }),
    );
  });

  it("without a usable bwrap, run_command refuses by default and start-up says what to install", async () => {
    const empty = await mkdtemp(join(tmpdir(), "threadwork-no-bwrap-"));
    try {
      const { results, logs } = await runInService(
        layout,
        [{ tool: "run_command", input: { command: `cat /proc/$PPID/environ; echo RAN` } }],
        { bwrapSearchPath: empty },
      );
      expect(results[0]?.result).toBeUndefined();
      expect(results[0]?.error).toMatch(/run_command is disabled: .*bubblewrap \(bwrap\) is not installed/);
      expect(results[0]?.error).toMatch(/apt-get install bubblewrap.*THREADWORK_SANDBOX=off/);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: expect.stringMatching(/^COMMAND SANDBOX UNAVAILABLE.*install bubblewrap/),
        }),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
