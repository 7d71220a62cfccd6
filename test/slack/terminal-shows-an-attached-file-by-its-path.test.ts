import { describe, expect, it } from "vitest";
import { renderEvent } from "../../src/surfaces/terminal/terminal-render.ts";

describe("the terminal and an attached file", () => {
  it("shows a line with the file's title and local path, never its bytes", () => {
    const line = renderEvent(
      {
        type: "file-attached",
        sessionId: "s",
        agentId: "a",
        agentTitle: "Build doctor",
        file: {
          fileName: "report.txt",
          title: "Build report\u001b[2J",
          localPath: "/data/workspaces/app/report.txt",
          data: Buffer.from("All green.").toString("base64"),
          size: 10,
        },
      },
      () => 1,
    );
    expect(line?.text).toContain("Build doctor attached Build report");
    expect(line?.text).toContain("/data/workspaces/app/report.txt");
    expect(line?.text).not.toContain("\u001b");
    expect(line?.text).not.toContain("All green.");
  });
});
