import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allCanaries,
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

/**
 * A sandboxed command can write everything in the workspace but its top `.git`: also a
 * nested repository's `.git/config`. Once that repository is a gitlink in the index,
 * the service's own `git add -A` / `git status` / `git commit` (outside the sandbox) ask
 * it for its status, and its clean filter would run with the service's view of the
 * machine: it walks up its ancestors' `/proc/<pid>/environ` to the service's secrets.
 */
/** Walks up its ancestors to the service and prints their environments and command lines. */
const probe = [
  "p=$$",
  'while [ "$p" -gt 1 ]; do cat /proc/$p/environ; echo; tr "\\0" " " < /proc/$p/cmdline; echo; p=$(cut -d" " -f4 /proc/$p/stat); done',
  "echo RAN-OUTSIDE",
].join("\n");

const plant = [
  `printf '%s\\n' '${probe}' > probe.sh`,
  "mkdir -p vendor/lib && cd vendor/lib",
  "git init -q",
  "echo '* filter=pwn' > .gitattributes",
  "echo hello > file.txt",
  "git -c user.name=a -c user.email=a@b add -A",
  "git -c user.name=a -c user.email=a@b commit -qm lib",
  // Defined after the commit, so only a later status check in this repository runs it.
  `git config filter.pwn.clean 'sh -c "sh ../../probe.sh >> ../../leak.txt 2>&1; cat"'`,
  "echo PLANTED-$((6*7))",
].join(" && ");

// Same size, new mtime: git must read the file (through the filter) to know it is unchanged.
const touch = "touch -d '2001-02-03 04:05:06' vendor/lib/file.txt && echo TOUCHED";

describe("a nested repository planted by a command never runs code outside the sandbox", () => {
  let layout: ServiceLayout;

  beforeAll(async () => {
    layout = await createServiceLayout("nested");
  });
  afterAll(async () => {
    await layout?.remove();
  });

  it("the commit, diff and status the service runs do not run the nested repository's filter", async () => {
    const { results } = await runInService(layout, [
      { tool: "run_command", input: { command: plant } },
      { tool: "commit", input: { message: "add the library" } },
      { tool: "run_command", input: { command: touch } },
      { tool: "commit", input: { message: "again" } },
      { tool: "git_diff", input: {} },
      { tool: "run_command", input: { command: touch.replace("04:05:06", "04:05:07") } },
      { tool: "commit", input: { message: "and again" } },
      { tool: "run_command", input: { command: "cat leak.txt; echo CHECKED-$((6*7))" } },
    ]);
    if (!sandboxUsable) {
      expect(results[0]?.error).toMatch(/run_command is disabled/);
      return;
    }
    expect(results[0]?.result).toContain("PLANTED-42");
    // The commit tool either commits (the library as a gitlink) or refuses the nested repository outright.
    expect(results[1]?.result ?? results[1]?.error).toMatch(
      /^Committed [0-9a-f]{12} on |contains a nested git repository/,
    );
    expect(results[2]?.result).toContain("TOUCHED");
    const last = results.at(-1)?.result ?? "";
    expect(last).toContain("CHECKED-42");
    expect(last).not.toContain("RAN-OUTSIDE");
    for (const canary of allCanaries()) expect(JSON.stringify(results)).not.toContain(canary);
  });

  it("a .gitmodules asking for every submodule to be checked does not bring the filter back", async () => {
    const { results } = await runInService(layout, [
      {
        tool: "run_command",
        input: {
          command:
            "rm -f leak.txt; printf '[submodule \"lib\"]\\n\\tpath = vendor/lib\\n\\tignore = none\\n' > .gitmodules && echo OK",
        },
      },
      { tool: "commit", input: { message: "declare the submodule" } },
      { tool: "run_command", input: { command: touch.replace("04:05:06", "05:05:05") } },
      { tool: "commit", input: { message: "once more" } },
      { tool: "git_diff", input: {} },
      { tool: "run_command", input: { command: "cat leak.txt; echo CHECKED-$((6*7))" } },
    ]);
    if (!sandboxUsable) return;
    expect(results[0]?.result).toContain("OK");
    const last = results.at(-1)?.result ?? "";
    expect(last).toContain("CHECKED-42");
    expect(last).not.toContain("RAN-OUTSIDE");
    for (const canary of allCanaries()) expect(JSON.stringify(results)).not.toContain(canary);
  });

  it("a named pipe or a symlink in a nested .git cannot hang the service's git (commit, list_files, git_diff)", async () => {
    const trap = [
      "mkdir -p traps/pipe/.git/objects traps/pipe/.git/refs && mkfifo traps/pipe/.git/HEAD",
      "mkdir -p traps/link/.git/objects traps/link/.git/refs/heads && mkfifo traps/fifo",
      "echo 'ref: refs/heads/main' > traps/link/.git/HEAD && ln -s ../../../../fifo traps/link/.git/refs/heads/main",
      "mkdir -p traps/gitfile && echo 'gitdir: ../link/.git' > traps/gitfile/.git",
      "echo TRAPPED-$((6*7))",
    ].join(" && ");
    const { results } = await runInService(layout, [
      { tool: "run_command", input: { command: trap } },
      { tool: "commit", input: { message: "traps" } },
      { tool: "list_files", input: { path: "traps" } },
      { tool: "git_diff", input: {} },
      { tool: "run_command", input: { command: "ls -la traps/pipe/.git; echo LISTED-$((6*7))" } },
    ]);
    if (!sandboxUsable) return;
    expect(results[0]?.result).toContain("TRAPPED-42");
    expect(results[0]?.result).toMatch(/Removed what git would block on .*traps\/pipe\/\.git\/HEAD/);
    // Each tool returned (a repository without a commit is refused by `git add`, with a clear error).
    expect(results[1]?.result ?? results[1]?.error).toMatch(
      /Committed|Nothing to commit|does not have a commit|contains a nested git repository/,
    );
    expect(results[2]?.result).toContain("traps/");
    expect(results[3]?.result ?? results[3]?.error).toBeDefined();
    expect(results[4]?.result).toContain("LISTED-42");
  });

  it("write_file and edit_file cannot make a gitfile or write inside a nested .git", async () => {
    const { results } = await runInService(layout, [
      { tool: "write_file", input: { path: "plugin/.git", content: "gitdir: /proc/self\n" } },
      {
        tool: "write_file",
        input: { path: "vendor/lib/.git/config", content: "[core]\n\tfsmonitor = true\n" },
      },
      { tool: "write_file", input: { path: "vendor/lib/.GIT/HEAD", content: "ref: refs/heads/x\n" } },
      { tool: "write_file", input: { path: "plugin/notes.txt", content: "fine\n" } },
    ]);
    for (const refused of results.slice(0, 3)) expect(refused.error).toMatch(/inside \.git is not allowed/);
    expect(results[3]?.result).toMatch(/^Created plugin\/notes\.txt/);
  });
});
