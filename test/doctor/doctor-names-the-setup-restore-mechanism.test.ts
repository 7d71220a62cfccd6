import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCommandLimits } from "../../src/adapters/process/command-limits.ts";
import { checkSetupRestore } from "../../src/application/doctor/check-sandbox.ts";
import { reportSandbox } from "../../src/application/report-sandbox.ts";
import type { Config } from "../../src/config/config.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

/** The parts of a configuration the check reads: repositories with a setup, the sandbox, the data directory. */
function configuration(dataDir: string, sandbox: "required" | "off"): Config {
  return {
    git: { sandbox, repositories: [{ name: "widgets", url: "/nowhere", setup: { command: "npm ci" } }] },
    database: { url: undefined, dataDir },
  } as unknown as Config;
}

describe("doctor names how cached setups are restored", () => {
  let data: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeAll(async () => {
    data = await temporaryDirectory("doctor-restore");
  });
  afterAll(async () => {
    await data?.remove();
  });

  it("reports an overlay where the sandbox mounts one, and leaves no trial layer behind", async () => {
    const check = await checkSetupRestore(configuration(data.path, "required"));
    expect(check).toMatchObject({ subject: "Setup cache restores", status: "ok" });
    expect(check.detail).toMatch(/^overlay: /);
    const cache = join(data.path, "setup-cache");
    expect(existsSync(cache) ? await readdir(cache) : []).toEqual([]);
  });

  it("warns that a copy is made per workspace without the sandbox, and says why", async () => {
    const check = await checkSetupRestore(configuration(data.path, "off"));
    expect(check).toMatchObject({ subject: "Setup cache restores", status: "warning" });
    expect(check.detail).toBe(
      "copy: a cached setup is copied into each workspace (cp -a --reflink=auto), since the command sandbox is not active",
    );
  });

  it("logs the mechanism once at start-up when a repository has a setup", async () => {
    const lines: Array<{ msg?: string; restore?: string }> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    await reportSandbox({
      git: {
        sandbox: "required",
        commandLimits: defaultCommandLimits,
        workspaceQuotaMb: 5120,
        repositories: [{ name: "widgets", url: "/nowhere", setup: { command: "npm ci" } }],
      },
      logger,
      setupCacheDirectory: join(data.path, "setup-cache"),
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "setup cache restores as overlay layers", restore: "overlay" }),
    );
  });
});
