import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mrkdwnHtml } from "../../scripts/block-kit-html.ts";
import { examplePage, pictureLabel, picturesDirectory } from "../../scripts/render-pictures.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("the README's picture of a thread", () => {
  it("is drawn from what the renderers send today (npm run docs:pictures redraws it)", () => {
    expect(readFileSync(path.join(picturesDirectory, "thread.html"), "utf8")).toBe(examplePage());
  });

  it("is shown in the README with the label saying what it is", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain("](docs/pictures/thread.png)");
    expect(readme).toContain("not a screenshot of Slack");
    expect(examplePage()).toContain(pictureLabel);
  });

  it("draws Slack's mrkdwn: bold, code, links, quotes, and escapes as Slack receives them", () => {
    expect(mrkdwnHtml("*Crew:* `npm test` &lt;https://x.test|PR&gt;\n&gt; quoted")).toBe(
      '<b>Crew:</b> <code>npm test</code> <a href="https://x.test">PR</a><br><blockquote>quoted</blockquote>',
    );
  });
});
