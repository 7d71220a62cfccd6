import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allCanaries,
  createServiceLayout,
  runInService,
  type ServiceLayout,
  sandboxUsable,
} from "./support/command-service.ts";

/**
 * `PATH=$EXTRA:$PATH` with EXTRA unset gives the service a PATH that starts with an empty
 * entry, which exec reads as "the current directory". The service runs git with the
 * workspace as its current directory, so a `git` a sandboxed command wrote there would
 * run outside the sandbox, with the service's secrets one `/proc/$PPID/environ` away.
 */
const fakeGit = [
  "printf '#!/bin/sh\\n",
  "cat /proc/$PPID/environ > leak.txt 2>&1; echo RAN-OUTSIDE >> leak.txt\\n' > git",
  " && chmod +x git && cp git bash && echo PLANTED-$((6*7))",
].join("");

describe("an empty or relative entry in the service's PATH never runs a program from the workspace", () => {
  let layout: ServiceLayout;

  beforeAll(async () => {
    layout = await createServiceLayout("search-path");
  });
  afterAll(async () => {
    await layout?.remove();
  });

  for (const entry of ["", "."]) {
    it(`PATH starting with ${JSON.stringify(entry)}: the commit tool runs the real git`, async () => {
      const { results } = await runInService(
        layout,
        [
          { tool: "run_command", input: { command: `rm -f leak.txt; date +%s%N > marker; ${fakeGit}` } },
          { tool: "commit", input: { message: "plant" } },
          { tool: "git_diff", input: {} },
          { tool: "run_command", input: { command: "cat leak.txt; echo CHECKED-$((6*7))" } },
        ],
        { path: `${entry}:${process.env.PATH ?? "/usr/bin:/bin"}` },
      );
      if (!sandboxUsable) {
        expect(results[0]?.error).toMatch(/run_command is disabled/);
        return;
      }
      expect(results[0]?.result).toContain("PLANTED-42");
      const last = results.at(-1)?.result ?? "";
      expect(last).toContain("CHECKED-42");
      expect(last).not.toContain("RAN-OUTSIDE");
      for (const canary of allCanaries()) expect(JSON.stringify(results)).not.toContain(canary);
      expect(results[1]?.result).toMatch(/^Committed [0-9a-f]{12} on /);
    });
  }
});
