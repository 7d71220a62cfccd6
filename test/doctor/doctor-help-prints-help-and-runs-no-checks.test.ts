import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** `npm run doctor -- <args>` as npm runs it, with no configuration at all in the environment. */
async function doctor(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    join(root, "node_modules/.bin/node"),
    ["--import", "./src/require-node-24.mjs", "src/doctor.ts", ...args],
    { cwd: root, env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const code = await new Promise<number | null>((resolveExit) => child.on("close", resolveExit));
  return { code, stdout, stderr };
}

describe("npm run doctor -- --help", () => {
  it.each(["--help", "-h"])("%s prints the help and exits 0 without checking anything", async (flag) => {
    const { code, stdout, stderr } = await doctor([flag]);
    expect(stdout).toContain("Usage: npm run doctor");
    expect(stdout).not.toContain("Threadwork doctor");
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("refuses an option it does not know, and says where the options are listed", async () => {
    const { code, stdout, stderr } = await doctor(["--fix"]);
    expect(stderr).toContain("--fix");
    expect(stderr).toContain("npm run doctor -- --help");
    expect(stdout).toBe("");
    expect(code).toBe(2);
  });
});
