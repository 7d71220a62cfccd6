import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const sourceRoot = path.resolve(import.meta.dirname, "../../../src");

function sourceFiles(under: string): { file: string; text: string }[] {
  const root = path.join(sourceRoot, under);
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file, text: readFileSync(path.join(root, file), "utf8") }));
}

/** Every Web API method the source names in a call: `api.call("chat.postMessage", …)`, or `ok ? "a.b" : "c.d"`. */
export function methodsCalledBySource(): string[] {
  const methods = new Set<string>();
  for (const { text } of sourceFiles(".")) {
    for (const match of text.matchAll(/\.(?:call|apiCall)\(\s*"([a-z]+(?:\.[a-zA-Z]+)+)"/g)) {
      methods.add(match[1] ?? "");
    }
    for (const match of text.matchAll(/\?\s*"([a-z]+\.[a-zA-Z.]+)"\s*:\s*"([a-z]+\.[a-zA-Z.]+)"/g)) {
      methods.add(match[1] ?? "");
      methods.add(match[2] ?? "");
    }
    // files.uploadV2 is the WebClient's helper over these two methods (and a POST in between).
    if (/\.filesUploadV2\(/.test(text)) {
      methods.add("files.getUploadURLExternal");
      methods.add("files.completeUploadExternal");
    }
  }
  return [...methods].sort();
}

/** Every Events API event a Slack listener subscribes to with `app.event("…")`. */
export function eventsHandledBySource(): string[] {
  const events = new Set<string>();
  for (const { text } of sourceFiles("surfaces/slack")) {
    for (const match of text.matchAll(/app\.event\(\s*"([a-z_]+)"/g)) events.add(match[1] ?? "");
  }
  return [...events].sort();
}

/** Every slash command the Slack surface names as a constant: `… = "/threadwork"`. */
export function slashCommandsNamedBySource(): string[] {
  const commands = new Set<string>();
  for (const { text } of sourceFiles("surfaces/slack")) {
    for (const match of text.matchAll(/=\s*"(\/[a-z-]+)"/g)) commands.add(match[1] ?? "");
  }
  return [...commands].sort();
}
