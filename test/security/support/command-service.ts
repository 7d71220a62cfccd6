import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGit } from "../../../src/adapters/git/git-command.ts";
import { detectSandbox } from "../../../src/adapters/process/sandbox-probe.ts";

/**
 * Whether bubblewrap works on this machine. Where it cannot (CI without user namespaces),
 * the attack tests check the default instead: run_command refuses, so nothing leaks either.
 */
export const sandboxUsable = (await detectSandbox("required")).state === "active";

const fixture = fileURLToPath(new URL("../../fixtures/command-service-child.ts", import.meta.url));

/** Secrets a deployed service holds in its initial environment. */
export const canaries = {
  SLACK_BOT_TOKEN: "xoxb-canary-bot-7f3a",
  SLACK_SIGNING_SECRET: "canary-signing-5b1c",
  ANTHROPIC_API_KEY: "sk-ant-canary-9d2e",
  GIT_TOKEN: "ghp_canarygittoken4c8f",
  DATABASE_URL: "postgres://threadwork:canary-db-pass-2a6d@127.0.0.1:5432/test",
};
export const dataCanary = "canary-data-directory-e41b";
export const envFileCanary = "canary-dotenv-0c93";
export const otherWorkspaceCanary = "canary-other-workspace-8b57";
export const mirrorCanary = "ghp_canarymirrortoken71d2";

export interface ServiceLayout {
  base: string;
  appDirectory: string;
  dataDirectory: string;
  workspaceRoot: string;
  remove(): Promise<void>;
}

/**
 * A deployment's layout outside /tmp, as /app and /data are in the image: an app
 * directory with a `.env`, a data directory with the embedded database, a mirror whose
 * git config holds a token, another agent's workspace, and this agent's workspace.
 */
export async function createServiceLayout(prefix: string): Promise<ServiceLayout> {
  await mkdir("/var/tmp", { recursive: true });
  const base = await mkdtemp(`/var/tmp/threadwork-${prefix}-`);
  const appDirectory = join(base, "app");
  const dataDirectory = join(base, "data");
  const workspaceRoot = join(dataDirectory, "workspaces", "s", "agent");
  await mkdir(appDirectory, { recursive: true });
  await writeFile(join(appDirectory, ".env"), `SLACK_BOT_TOKEN=${envFileCanary}\n`);
  await mkdir(dataDirectory, { recursive: true });
  await writeFile(join(dataDirectory, "canary-secret.txt"), `${dataCanary}\n`);
  await mkdir(join(dataDirectory, "mirrors", "demo.git"), { recursive: true });
  await writeFile(
    join(dataDirectory, "mirrors", "demo.git", "config"),
    `[remote "origin"]\n\turl = https://x-access-token:${mirrorCanary}@github.com/acme/demo.git\n`,
  );
  await mkdir(join(dataDirectory, "workspaces", "s", "other"), { recursive: true });
  await writeFile(join(dataDirectory, "workspaces", "s", "other", "notes.txt"), `${otherWorkspaceCanary}\n`);
  await runGit(["init", "-q", "-b", "main", workspaceRoot], { cwd: base });
  await writeFile(join(workspaceRoot, "README.md"), "demo\n");
  return {
    base,
    appDirectory,
    dataDirectory,
    workspaceRoot,
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

export interface ServiceRun {
  results: { tool: string; risk: string; result?: string; error?: string }[];
  /** Start-up log lines, parsed. */
  logs: { level: number; msg: string; [key: string]: unknown }[];
}

/** Runs the tool calls in a fresh service-like process whose initial environment holds the canaries. */
export async function runInService(
  layout: ServiceLayout,
  calls: { tool: string; input: unknown }[],
  settings: {
    sandbox?: "required" | "off";
    bwrapSearchPath?: string;
    allowCommands?: string[];
    limits?: Record<string, number>;
    quotaMb?: number;
    uid?: number;
    /** The service's PATH; the test's own when omitted. */
    path?: string;
  } = {},
): Promise<ServiceRun> {
  const child = spawn(process.execPath, [fixture], {
    cwd: layout.appDirectory,
    env: {
      ...process.env,
      ...canaries,
      WORKSPACE_ROOT: layout.workspaceRoot,
      DATA_DIR: layout.dataDirectory,
      SANDBOX: settings.sandbox ?? "required",
      BWRAP_SEARCH_PATH: settings.bwrapSearchPath ?? "",
      ALLOW_COMMANDS: (settings.allowCommands ?? []).join(","),
      LIMITS: JSON.stringify(settings.limits ?? {}),
      QUOTA_MB: String(settings.quotaMb ?? 5120),
      ...(settings.path === undefined ? {} : { PATH: settings.path }),
    },
    stdio: ["pipe", "pipe", "pipe"],
    ...(settings.uid === undefined ? {} : { uid: settings.uid, gid: settings.uid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  child.stdin.end(JSON.stringify(calls));
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (exitCode !== 0) throw new Error(`service child failed (${exitCode}): ${stderr}`);
  const logs = stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as ServiceRun["logs"][number]);
  return { results: JSON.parse(stdout) as ServiceRun["results"], logs };
}

export function allCanaries(): string[] {
  return [...Object.values(canaries), dataCanary, envFileCanary, otherWorkspaceCanary, mirrorCanary];
}
