import { execFileSync } from "node:child_process";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled } from "../helpers/time-scale.ts";
import {
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

// The limits hold with or without the sandbox; without a usable one, these run unsandboxed.
const sandbox = sandboxUsable ? "required" : "off";
const temporaryBlob = sandboxUsable ? "/tmp/blob" : "blob";

const nobody = 65534;
/**
 * The kernel never applies RLIMIT_NPROC to root, so as root (this CI) the service runs
 * as nobody here, as the Docker image runs it as `node`.
 */
const serviceUid = process.getuid?.() === 0 ? nobody : undefined;

async function runCommand(
  layout: ServiceLayout,
  command: string,
  limits: Record<string, number>,
  timeout = 30,
) {
  const { results } = await runInService(
    layout,
    [{ tool: "run_command", input: { command, timeout_s: timeout } }],
    {
      limits,
      sandbox,
      ...(serviceUid === undefined ? {} : { uid: serviceUid }),
    },
  );
  return results[0]?.result ?? results[0]?.error ?? "";
}

describe("per-command limits contain runaway commands", () => {
  let layout: ServiceLayout;

  beforeAll(async () => {
    layout = await createServiceLayout("limits");
    if (serviceUid !== undefined) execFileSync("chown", ["-R", `${serviceUid}:${serviceUid}`, layout.base]);
  });
  afterAll(() => layout.remove());

  it("kills a CPU spin at the CPU limit", async () => {
    const output = await runCommand(layout, "while :; do :; done", { cpuSeconds: 1 });
    expect(output).toMatch(/CPU time limit of 1 s reached/);
  });

  it("stops `yes > big` at the file size limit", async () => {
    const output = await runCommand(layout, "yes > big", { maxFileMb: 1 });
    expect(output).toMatch(/file size limit of 1 MiB reached/);
    expect((await stat(join(layout.workspaceRoot, "big"))).size).toBeLessThanOrEqual(1024 * 1024);
  });

  it("fails a memory hog at the memory limit while node itself still runs", async () => {
    const hog = `node -e "const kept = []; for (let i = 0; i < 300; i++) kept.push(Buffer.alloc(1e7, 1)); console.log('HOG-' + 'SURVIVED')"`;
    const output = await runCommand(layout, `node -e "console.log('NODE-' + (6*7))"; ${hog}`, {
      memoryMb: 1024,
    });
    expect(output).toContain("NODE-42");
    expect(output).not.toContain("HOG-SURVIVED");
    expect(output).not.toMatch(/^\[exit code 0/);
  });

  it("contains a fork bomb at the process limit and reaps it", async () => {
    const output = await runCommand(
      layout,
      "bomb() { bomb | bomb & }; bomb; sleep 2; echo BOMB-$((6*7))",
      { maxProcesses: 40 },
      5,
    );
    expect(output).toMatch(/fork: .*Resource temporarily unavailable/);
    // Nothing of the bomb outlives the command (killed processes may linger a moment as zombies).
    const left = execFileSync("ps", ["-e", "-o", "uid=,stat=,comm="], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([uid, , name]) => uid === String(serviceUid ?? process.getuid?.()) && name === "bash")
      .filter(([, state]) => !state?.startsWith("Z") && !state?.startsWith("X"));
    expect(left).toEqual([]);
  });

  it("holds a workspace to its disk quota, its private /tmp included, and says how to get under it", async () => {
    const { results } = await runInService(
      layout,
      [
        { tool: "run_command", input: { command: `head -c 3000000 /dev/zero > ${temporaryBlob}` } },
        { tool: "run_command", input: { command: "echo STILL-$((6*7))" } },
        { tool: "run_command", input: { command: `rm ${temporaryBlob}` } },
        { tool: "run_command", input: { command: "echo AGAIN-$((6*7))" } },
      ],
      { quotaMb: 2, sandbox, ...(serviceUid === undefined ? {} : { uid: serviceUid }) },
    );
    expect(results[0]?.result).toMatch(/over its 2 MiB disk quota .*Delete files/);
    expect(results[1]?.error).toMatch(/over its 2 MiB disk quota/);
    expect(results[2]?.result).toMatch(/^\[exit code 0/);
    expect(results[3]?.result).toContain("AGAIN-42");
  });

  it("never opens up a directory the command made unreadable (chmod 000), and lets nothing hide there", async () => {
    const { results } = await runInService(
      layout,
      [
        {
          tool: "run_command",
          input: { command: "mkdir hidden && head -c 3000000 /dev/zero > hidden/blob && chmod 000 hidden" },
        },
        { tool: "run_command", input: { command: "echo STILL-$((6*7))" } },
        { tool: "run_command", input: { command: "chmod -R u+rwX hidden" } },
        { tool: "run_command", input: { command: "rm -rf hidden" } },
        { tool: "run_command", input: { command: "echo AGAIN-$((6*7))" } },
      ],
      { quotaMb: 2, sandbox, ...(serviceUid === undefined ? {} : { uid: serviceUid }) },
    );
    // The service (not root) cannot read it: unmeasured, so over the quota until made readable.
    expect(results[0]?.result).toMatch(
      /cannot be measured against its 2 MiB disk quota: the service cannot read hidden/,
    );
    expect(results[1]?.error).toMatch(/cannot be measured against its 2 MiB disk quota/);
    // Readable again, it counts: 3 MB is over the quota, and only deleting runs.
    expect(results[2]?.result).toMatch(/over its 2 MiB disk quota/);
    expect(results[4]?.result).toContain("AGAIN-42");
  });

  it("stops a command whose directory stays unreadable while it runs", {
    timeout: scaled(120_000),
  }, async () => {
    const { results } = await runInService(
      layout,
      [
        {
          tool: "run_command",
          input: {
            command: "mkdir veiled && chmod 000 veiled && sleep 60; echo SLEPT-$((6*7))",
            timeout_s: 120,
          },
        },
        { tool: "run_command", input: { command: "rm -rf veiled" } },
        { tool: "run_command", input: { command: "echo AFTER-$((6*7))" } },
      ],
      { quotaMb: 2, sandbox, ...(serviceUid === undefined ? {} : { uid: serviceUid }) },
    );
    expect(results[0]?.result).toMatch(
      /stopped: the workspace's disk use could not be measured while it ran \(the service cannot read veiled\)/,
    );
    expect(results[0]?.result).not.toContain("SLEPT-42");
    expect(results[2]?.result).toContain("AFTER-42");
  });

  it("cannot fill the host's RAM through /dev: /dev is read-only and /dev/shm is small", async () => {
    if (!sandboxUsable) return;
    const output = await runCommand(
      layout,
      [
        "head -c 100000000 /dev/zero > /dev/shm/fill",
        "du -k /dev/shm/fill",
        "head -c 1000 /dev/zero > /dev/fill && echo DEV-WRITABLE",
        "echo ignored > /dev/null && echo NULL-$((6*7))",
      ].join("; "),
      {},
    );
    expect(output).toMatch(/No space left on device/);
    const kib = Number(/^(\d+)\s+\/dev\/shm\/fill$/m.exec(output)?.[1]);
    expect(kib).toBeLessThanOrEqual(64 * 1024);
    expect(output).not.toContain("DEV-WRITABLE");
    expect(output).toContain("NULL-42");
  });

  it("stops a command that goes over the disk quota while it runs, not only after it", {
    timeout: scaled(120_000),
  }, async () => {
    // Unchecked, this writes 300 MB, one file at a time, over about 30 s: many files, each under the file size limit.
    const flood =
      "for i in $(seq 1 300); do head -c 1000000 /dev/zero > flood-$i; sleep 0.1; done; echo FLOOD-FINISHED";
    const { results } = await runInService(
      layout,
      [{ tool: "run_command", input: { command: flood, timeout_s: 120 } }],
      { quotaMb: 2, sandbox, ...(serviceUid === undefined ? {} : { uid: serviceUid }) },
    );
    const output = results[0]?.result ?? "";
    expect(output).toMatch(/went over its 2 MiB disk quota while it ran/);
    expect(output).not.toContain("FLOOD-FINISHED");
    // Stopped long before the end: far fewer than 300 files were written.
    const written = (await readdir(layout.workspaceRoot)).filter((name) => name.startsWith("flood-"));
    expect(written.length).toBeLessThan(150);
    await Promise.all(written.map((name) => rm(join(layout.workspaceRoot, name))));
  });
});
