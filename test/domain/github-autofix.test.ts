import { describe, expect, it } from "vitest";
import {
  autofixEnabled,
  autofixToggleOf,
  capFailureReport,
  latestAutofixToggle,
} from "../../src/domain/github-autofix.ts";
import { isStaleDelivery, readGitHubEvent } from "../../src/domain/github-events.ts";

describe("autofix rules", () => {
  it("reads a toggle only at the start of a reply", () => {
    expect(autofixToggleOf("autofix off")).toBe("off");
    expect(autofixToggleOf("<@U0BOT> Autofix ON please")).toBe("on");
    expect(autofixToggleOf("please autofix off")).toBeUndefined();
    expect(autofixToggleOf("autofix offline")).toBeUndefined();
  });

  it("lets the owner's latest toggle win over the repository and the service", () => {
    const replies = [
      { userId: "U0OWNER", text: "autofix off" },
      { userId: "U0OTHER", text: "autofix on" },
    ];
    const thread = latestAutofixToggle(replies, "U0OWNER");
    expect(thread).toBe("off");
    expect(autofixEnabled({ thread, repository: "on", service: "on" })).toBe(false);
    expect(autofixEnabled({ thread: undefined, repository: "off", service: "on" })).toBe(false);
    expect(autofixEnabled({ thread: "on", repository: "off", service: "off" })).toBe(true);
    expect(autofixEnabled({ thread: undefined, repository: undefined, service: "on" })).toBe(true);
  });

  it("caps a long report and says so", () => {
    const capped = capFailureReport("x".repeat(100), 10);
    expect(capped).toContain("90 more characters cut");
    expect(capFailureReport("short", 10)).toBe("short");
  });
});

describe("reading GitHub deliveries", () => {
  const repository = { full_name: "acme/widgets" };
  it("reads a failed check run and ignores a passing one", () => {
    const payload = {
      action: "completed",
      repository,
      check_run: {
        id: 4,
        name: "test",
        head_sha: "abc",
        status: "completed",
        conclusion: "failure",
        html_url: "https://github.com/acme/widgets/runs/4",
        completed_at: "2026-12-07T10:00:00Z",
        check_suite: { head_branch: "threadwork/s/fix" },
        pull_requests: [{ number: 7, head: { ref: "threadwork/s/fix", sha: "abc" } }],
      },
    };
    expect(readGitHubEvent("check_run", payload)).toMatchObject({
      kind: "check-failed",
      branch: "threadwork/s/fix",
      checkRunId: 4,
      pullRequests: [7],
    });
    const passed = { ...payload, check_run: { ...payload.check_run, conclusion: "success" } };
    expect(readGitHubEvent("check_run", passed).kind).toBe("ignored");
    expect(readGitHubEvent("check_run", { nonsense: true }).kind).toBe("ignored");
  });

  it("refuses a delivery whose event is older than the replay window", () => {
    const event = readGitHubEvent("workflow_run", {
      action: "completed",
      repository,
      workflow_run: {
        name: "CI",
        head_branch: "b",
        head_sha: "abc",
        conclusion: "failure",
        html_url: "https://github.com/acme/widgets/actions/runs/1",
        updated_at: "2026-12-01T00:00:00Z",
        pull_requests: [],
      },
    });
    const day = 24 * 3600 * 1000;
    expect(isStaleDelivery(event, new Date("2026-12-01T12:00:00Z"), day)).toBe(false);
    expect(isStaleDelivery(event, new Date("2026-12-03T00:00:00Z"), day)).toBe(true);
  });
});
