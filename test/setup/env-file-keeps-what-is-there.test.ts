import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeEnvFile, readEnvValues } from "../../src/application/setup/env-file.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

describe("the .env npm run setup writes", () => {
  let directory: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    directory = await temporaryDirectory("env-file");
  });
  afterEach(async () => {
    await directory.remove();
  });

  it("keeps every value, comment and line already there, fills KEY= and appends what is missing", async () => {
    const file = join(directory.path, ".env");
    await writeFile(
      file,
      [
        "# Threadwork",
        "export SLACK_BOT_TOKEN='xoxb-already-there'",
        "SLACK_SIGNING_SECRET=  # filled by setup",
        'SLACK_APP_TOKEN=""',
        "",
        "ANTHROPIC_API_KEY=sk-ant-mine",
      ].join("\n"),
    );
    await chmod(file, 0o644);
    const changes = await mergeEnvFile(file, {
      SLACK_BOT_TOKEN: "xoxb-new",
      SLACK_SIGNING_SECRET: "signing",
      SLACK_APP_TOKEN: "xapp-new",
      PORT: "3000",
    });
    expect(changes).toEqual({
      written: ["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT"],
      kept: ["SLACK_BOT_TOKEN"],
    });
    expect(await readFile(file, "utf8")).toBe(
      [
        "# Threadwork",
        "export SLACK_BOT_TOKEN='xoxb-already-there'",
        "SLACK_SIGNING_SECRET=signing",
        "SLACK_APP_TOKEN=xapp-new",
        "",
        "ANTHROPIC_API_KEY=sk-ant-mine",
        "PORT=3000",
        "",
      ].join("\n"),
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(readEnvValues(await readFile(file, "utf8")).get("SLACK_BOT_TOKEN")).toBe("xoxb-already-there");
  });

  it("creates the file readable by its owner only, and leaves a file with nothing new untouched", async () => {
    const file = join(directory.path, ".env");
    expect(await mergeEnvFile(file, { SLACK_BOT_TOKEN: "xoxb-1" })).toEqual({
      written: ["SLACK_BOT_TOKEN"],
      kept: [],
    });
    expect(await readFile(file, "utf8")).toBe("SLACK_BOT_TOKEN=xoxb-1\n");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const before = (await stat(file)).mtimeMs;
    expect(await mergeEnvFile(file, { SLACK_BOT_TOKEN: "xoxb-2" })).toEqual({
      written: [],
      kept: ["SLACK_BOT_TOKEN"],
    });
    expect((await stat(file)).mtimeMs).toBe(before);
  });
});
