import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer } from "./fakes/fake-llm-server.ts";
import { FakeSlackServer } from "./fakes/fake-slack-server.ts";
import { freePort } from "./helpers/free-port.ts";
import { scaled } from "./helpers/time-scale.ts";

const root = path.resolve(import.meta.dirname, "..");

/** `.env.example` with `values` filled in, each line `NAME=value` as a person would edit it. */
function filledIn(example: string, values: Record<string, string>): string {
  let text = example;
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^${name}=.*$`, "m");
    expect(text, `.env.example has ${name}`).toMatch(line);
    text = text.replace(line, () => `${name}=${value}`);
  }
  return text;
}

describe("a fresh checkout with .env copied from .env.example", () => {
  let checkout: string;
  let llm: FakeLlmServer;
  let slack: FakeSlackServer;

  beforeAll(async () => {
    checkout = await mkdtemp(path.join(tmpdir(), "threadwork-checkout-"));
    for (const entry of ["package.json", "src", "migrations"]) {
      await cp(path.join(root, entry), path.join(checkout, entry), { recursive: true });
    }
    await symlink(path.join(root, "node_modules"), path.join(checkout, "node_modules"));
    llm = await startFakeLlmServer();
    slack = await FakeSlackServer.start("xoxb-1-from-dotenv");
  });
  afterAll(async () => {
    await slack?.close();
    await llm?.close();
    if (checkout) await rm(checkout, { recursive: true, force: true });
  });

  it("npm start reads it: lists with commas and spaces, JSON prices, and the environment wins over the file", {
    timeout: scaled(240_000),
  }, async () => {
    const port = await freePort();
    const example = await readFile(path.join(root, ".env.example"), "utf8");
    await writeFile(
      path.join(checkout, ".env"),
      filledIn(example, {
        NODE_ENV: "production",
        // Overridden by the environment below: were the file to win, the ready line would not be logged.
        LOG_LEVEL: "silent",
        ANTHROPIC_API_KEY: "sk-ant-from-dotenv",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        THREADWORK_ALLOW_COMMANDS: "npm test,npm run lint",
        THREADWORK_PRICES:
          '{"anthropic:claude-sonnet-5-5": {"input": 3, "output": 15}, "openai:qwen3": {"input": 0, "output": 0}}',
        SLACK_BOT_TOKEN: "xoxb-1-from-dotenv",
        SLACK_SIGNING_SECRET: "signing-secret-from-dotenv",
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      }),
    );
    // The README's way: npm start in the checkout, nothing exported but the basics.
    const child = spawn("npm", ["start", "--silent"], {
      cwd: checkout,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: checkout, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          if (stdout.includes("threadwork is ready")) {
            clearInterval(check);
            resolve();
          }
        }, 100);
        void closed.then(() => {
          clearInterval(check);
          reject(new Error(`npm start exited before it was ready:\n${stdout}\n${stderr}`));
        });
      });
      const ready = JSON.parse(
        stdout.split("\n").find((line) => line.includes("threadwork is ready")) ?? "{}",
      );
      expect(ready).toMatchObject({
        allowCommands: ["npm test", "npm run lint"],
        pricedModels: ["anthropic:claude-sonnet-5-5", "openai:qwen3"],
        port,
        slack: "http",
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(llm.modelListings("anthropic")).toBe(1);
      expect(stdout + stderr).not.toContain("sk-ant-from-dotenv");
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGINT");
    }
    // Every output pipe closed: Threadwork itself has exited, and cleanly, its database lock let go.
    await closed;
    await expect(stat(path.join(checkout, ".threadwork", "pgdata.lock"))).rejects.toThrow();
    expect((await stat(path.join(checkout, ".threadwork", "pgdata"))).isDirectory()).toBe(true);
  });
});
