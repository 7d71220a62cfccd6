import { describe, expect, it } from "vitest";
import type { SlackFiles } from "../../src/adapters/slack/slack-files.ts";
import type { TeamScope } from "../../src/domain/team-scope.ts";
import { readSlackFileTool } from "../../src/tools/slack/read-slack-file.ts";

/** One installation's files: it knows only its own file, and says which installation asked. */
function filesOf(scope: TeamScope | undefined, asked: (TeamScope | undefined)[]): SlackFiles {
  asked.push(scope);
  return {
    async find(fileId) {
      if (scope?.teamId !== "T0BRAVO" || fileId !== "F0BRAVO") return { error: "file_not_found" };
      return {
        file: {
          id: fileId,
          name: "bravo.log",
          mimetype: "text/plain",
          size: 6,
          url: "https://files.slack.com/bravo.log",
          storedBySlack: true,
          conversations: new Set(["C0BRAVO"]),
        },
      };
    },
    async download() {
      return new Response("bravo\n");
    },
  };
}

function contextOf(metadata: Record<string, unknown>) {
  return {
    agentId: "agent-1",
    sessionId: "session-1",
    signal: new AbortController().signal,
    workspace: undefined,
    services: { sessionMetadata: async () => metadata },
  };
}

// With many installations, a session's file is found and fetched with its own installation's
// token: a session of workspace alpha naming bravo's file id gets nothing from bravo.
describe("read_slack_file with many installations", () => {
  it("asks the session's own installation, organization included, and no other", async () => {
    const asked: (TeamScope | undefined)[] = [];
    const tool = readSlackFileTool({ files: (scope) => filesOf(scope, asked) });
    const bravo = { teamId: "T0BRAVO", enterpriseId: "E0ORG", channel: "C0BRAVO" };
    await expect(tool.execute({ file_id: "F0BRAVO" }, contextOf(bravo) as never)).resolves.toContain("bravo");
    const alpha = { teamId: "T0ALPHA", channel: "C0ALPHA" };
    await expect(tool.execute({ file_id: "F0BRAVO" }, contextOf(alpha) as never)).rejects.toThrow(
      /could not find file F0BRAVO/,
    );
    await expect(
      tool.execute({ file_id: "F0BRAVO" }, contextOf({ channel: "C0BRAVO" }) as never),
    ).rejects.toThrow(/could not find/);
    expect(asked).toEqual([
      { teamId: "T0BRAVO", enterpriseId: "E0ORG" },
      { teamId: "T0ALPHA", enterpriseId: undefined },
      undefined,
    ]);
  });
});
