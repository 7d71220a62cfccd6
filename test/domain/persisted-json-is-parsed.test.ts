import { describe, expect, it } from "vitest";
import { parseApprovalAction } from "../../src/domain/approval-action.ts";
import { parseWorkspace } from "../../src/domain/tool.ts";

describe("persisted JSON is parsed, not trusted", () => {
  it("reads a stored workspace and refuses one this version did not write", () => {
    const workspace = { repoName: "app", root: "/work/app", branch: "tw/one", baseCommit: "abc" };
    expect(parseWorkspace(workspace)).toEqual(workspace);
    expect(parseWorkspace(null)).toBeUndefined();
    expect(parseWorkspace({ repoName: "app", root: 7 })).toBeUndefined();
    expect(parseWorkspace("/work/app")).toBeUndefined();
  });

  it("reads a workspace's whole check, and gives a record written before the timeout was stored the default", () => {
    const workspace = {
      repoName: "app",
      root: "/work/app",
      branch: "tw/one",
      baseCommit: "abc",
      network: "on",
    };
    const check = { command: "npm test", retries: 1, timeoutSeconds: 90 };
    expect(parseWorkspace({ ...workspace, check })?.check).toEqual(check);
    expect(parseWorkspace({ ...workspace, check: { command: "npm test", retries: 1 } })?.check).toEqual({
      command: "npm test",
      retries: 1,
      timeoutSeconds: 600,
    });
  });

  it("refuses a stored approval action without a valid input hash", () => {
    expect(parseApprovalAction({ tool: "run_command", input: {}, description: "x" })).toBeUndefined();
  });
});
