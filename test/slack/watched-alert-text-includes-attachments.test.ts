import { describe, expect, it } from "vitest";
import { alertTextOf, maximumAlertCharacters } from "../../src/surfaces/slack/watched-channels/alert-text.ts";

describe("an alert's text", () => {
  it("reads legacy attachments, which many integrations post with an empty text", () => {
    const event = {
      text: "",
      attachments: [
        {
          fallback: "[FIRING:1] DiskFull",
          title: "[FIRING:1] DiskFull",
          text: "disk 97% on db-1",
          fields: [{ title: "severity", value: "critical" }],
        },
        { fallback: "only a fallback" },
        "not an attachment",
      ],
    };
    expect(alertTextOf("", event)).toBe(
      "[FIRING:1] DiskFull\ndisk 97% on db-1\nseverity: critical\nonly a fallback",
    );
  });

  it("keeps the message text first and cuts a huge alert", () => {
    expect(alertTextOf("deploy failed", { attachments: [{ text: "step 3" }] })).toBe("deploy failed\nstep 3");
    expect(alertTextOf("x".repeat(20_000), {})).toHaveLength(maximumAlertCharacters);
  });
});
