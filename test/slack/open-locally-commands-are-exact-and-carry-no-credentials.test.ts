import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { branchCommands, chatCommand, shellWord } from "../../src/domain/open-locally.ts";
import { renderResults } from "../../src/surfaces/slack/blocks/results.ts";
import { agentSnapshot } from "./support/agent-snapshot.ts";

const run = promisify(execFile);
const session = { id: "sess_abc123", ownerId: "U0OWNER" };

describe("Open locally", () => {
  it("checks out a pushed branch from the remote, and a pull request with gh, without credentials", () => {
    expect(
      branchCommands({
        branch: "threadwork/sess_1/fix-a1b2c3",
        fetchFrom: "https://x-access-token:ghp_secret@github.com/acme/app.git?token=abc",
        pullRequestUrl: "https://github.com/acme/app/pull/7",
      }),
    ).toEqual([
      "gh pr checkout https://github.com/acme/app/pull/7",
      "git fetch https://github.com/acme/app.git threadwork/sess_1/fix-a1b2c3:threadwork/sess_1/fix-a1b2c3 && git switch threadwork/sess_1/fix-a1b2c3",
    ]);
    expect(chatCommand(session.id, session.ownerId)).toBe(
      "npm run chat -- --session sess_abc123 --as U0OWNER",
    );
  });

  it("quotes what a shell would read otherwise: the word comes back as written", async () => {
    for (const word of ["/data/my work/it's", "a;rm -rf x", "$(touch pwned)", "`id`", "plain/path-1.2"]) {
      const { stdout } = await run("sh", ["-c", `printf %s ${shellWord(word)}`]);
      expect(stdout).toBe(word);
    }
  });

  it("is one context block of at most ten elements, after the results and before the cost", () => {
    const workers = Array.from({ length: 12 }, (_, index) =>
      agentSnapshot(index, {
        status: "done",
        title: `Worker <${index}> & co`,
        result: {
          branch: `threadwork/sess_abc123/worker-${index}`,
          commit: "0123456789abcdef0123456789abcdef01234567",
          fetchFrom: `/srv/threadwork/workspaces/sess_abc123/worker-${index}`,
          pushed: false,
        },
      }),
    );
    const { blocks } = renderResults(workers, 1000, true, session);
    const block = blocks.at(-2) as { type: string; elements: { type: string; text: string }[] };
    expect(blocks.at(-1)?.type).toBe("context");
    expect(block.type).toBe("context");
    expect(block.elements.length).toBeLessThanOrEqual(10);
    expect(block.elements[0]?.text).toBe("*Open locally*");
    expect(block.elements[1]?.text).toBe(
      "*Worker &lt;0&gt; &amp; co* at `0123456789ab` (in a clone on the Threadwork server): " +
        "`git fetch /srv/threadwork/workspaces/sess_abc123/worker-0 threadwork/sess_abc123/worker-0:threadwork/sess_abc123/worker-0 &amp;&amp; git switch threadwork/sess_abc123/worker-0`",
    );
    expect(block.elements.at(-1)?.text).toBe(
      "Continue at a terminal (owner only): `npm run chat -- --session sess_abc123 --as U0OWNER`",
    );
    for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(3000);
    // Without a session (a code channel's summary) the results carry no commands.
    expect(JSON.stringify(renderResults(workers, 1000).blocks)).not.toContain("Open locally");
  });
});
