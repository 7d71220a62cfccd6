import { describe, expect, it } from "vitest";
import { displayUrl } from "../../src/domain/display-url.ts";

describe("displayUrl", () => {
  it.each([
    ["https://slack.com/api/", "https://slack.com/api/"],
    ["https://user:secret@slack.example.com/api/", "https://***@slack.example.com/api/"],
    ["https://secret@slack.example.com/api/", "https://***@slack.example.com/api/"],
    [
      "postgres://threadwork:secret@db.internal:5432/threadwork",
      "postgres://***@db.internal:5432/threadwork",
    ],
    [
      "postgresql://threadwork@db.internal/threadwork?sslmode=require",
      "postgresql://***@db.internal/threadwork?sslmode=require",
    ],
    [
      "http://127.0.0.1:4318/v1/traces?api_key=secret&region=eu",
      "http://127.0.0.1:4318/v1/traces?api_key=***&region=eu",
    ],
    ["https://proxy.internal/v1?token=secret", "https://proxy.internal/v1?token=***"],
    ["https://proxy.internal/v1?key=secret", "https://proxy.internal/v1?key=***"],
    ["postgres://db.internal/threadwork?password=secret", "postgres://db.internal/threadwork?password=***"],
    ["/srv/git/web", "/srv/git/web"],
  ])("shows %s as %s", (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  it("hides credentials even in a URL it cannot parse", () => {
    const shown = displayUrl("https://user:secret@host:notaport/api");
    expect(shown).not.toContain("secret");
    expect(shown).toBe("https://***@host:notaport/api");
  });
});
