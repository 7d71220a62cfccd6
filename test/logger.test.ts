import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError } from "../src/domain/errors.ts";
import { createLogger, redactSecrets } from "../src/logger.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { destination, text: () => lines.join("") };
}

const slackBot = "xoxb-1234567890-0987654321-AbCdEfGhIjKl";
const slackUser = "xoxp-1111-2222-3333-abcdef";
const slackApp = "xapp-1-A012345-6789-deadbeef";
const anthropicKey = "sk-ant-api03-Zm9vYmFyYmF6cXV4";
const openaiKey = "sk-proj-abcdef1234567890";
const secrets = [slackBot, slackUser, slackApp, anthropicKey, openaiKey, "hunter2", "plain-token-value"];

describe("redactSecrets", () => {
  it("replaces Slack tokens, provider keys and URL passwords in text", () => {
    expect(redactSecrets(`bot ${slackBot} app ${slackApp}, key=${anthropicKey}; ${openaiKey}.`)).toBe(
      "bot [REDACTED] app [REDACTED], key=[REDACTED]; [REDACTED].",
    );
    expect(redactSecrets("postgres://app:hunter2@db:5432/threadwork")).toBe(
      "postgres://app:[REDACTED]@db:5432/threadwork",
    );
    expect(redactSecrets("Authorization: Bearer abcdefghijklmnopqrstuvwxyz")).toBe(
      "Authorization: Bearer [REDACTED]",
    );
    expect(redactSecrets("ghp_0123456789abcdefghijklmnopqrstuvwxyz")).toBe("[REDACTED]");
  });

  it("leaves ordinary text alone", () => {
    const text =
      "task-runner disk-usage 42 tokens, xoxb- prefix, sk-, the token parameter, Basic authentication, Bearer authentication";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("createLogger", () => {
  it("writes JSON in production with no secret reaching the output", () => {
    const { destination, text } = capture();
    const logger = createLogger({ level: "info", environment: "production", destination });
    logger.info(
      {
        token: "plain-token-value",
        apiKey: anthropicKey,
        api_key: openaiKey,
        password: "hunter2",
        headers: { authorization: `Bearer ${openaiKey}`, Authorization: "Basic dXNlcjpwYXNz" },
        nested: { deeper: { list: [`say ${slackBot}`, { botToken: slackBot }] } },
        url: "postgres://app:hunter2@db/threadwork",
        inputTokens: 1200,
      },
      `connected with ${slackApp}`,
    );
    logger.error({ err: new Error(`Slack said no to ${slackUser}`) }, "failed");
    logger.warn({
      error: new ProviderError(`bad key ${anthropicKey}`, { provider: "anthropic", retryable: false }),
    });
    logger.child({ slackBotToken: slackBot }).info("child");
    logger.info("printf %s", openaiKey);

    const output = text();
    for (const secret of secrets) expect(output).not.toContain(secret);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(5);
    const first = JSON.parse(lines[0] ?? "");
    expect(first).toMatchObject({
      level: 30,
      msg: "connected with [REDACTED]",
      token: "[REDACTED]",
      apiKey: "[REDACTED]",
      password: "[REDACTED]",
      headers: { authorization: "[REDACTED]", Authorization: "[REDACTED]" },
      nested: { deeper: { list: ["say [REDACTED]", { botToken: "[REDACTED]" }] } },
      url: "postgres://app:[REDACTED]@db/threadwork",
      inputTokens: 1200,
    });
    const second = JSON.parse(lines[1] ?? "");
    expect(second.err.message).toBe("Slack said no to [REDACTED]");
    expect(second.err.stack).toContain("Slack said no to [REDACTED]");
    const third = JSON.parse(lines[2] ?? "");
    expect(third.error).toMatchObject({ type: "ProviderError", code: "provider_failed" });
  });

  it("logs a configuration error's problems as JSON", () => {
    const { destination, text } = capture();
    const logger = createLogger({ level: "info", environment: "test", destination });
    logger.error({ err: new ConfigurationError(["SLACK_BOT_TOKEN is missing"]) }, "bad configuration");
    expect(JSON.parse(text()).err.problems).toEqual(["SLACK_BOT_TOKEN is missing"]);
  });

  it("writes pretty lines in development, still redacted", async () => {
    const { destination, text } = capture();
    const logger = createLogger({ level: "debug", environment: "development", destination });
    logger.debug({ apiKey: anthropicKey, note: `uses ${slackBot}` }, "pretty line");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const output = text();
    expect(output).toContain("pretty line");
    expect(() => JSON.parse(output)).toThrow();
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  it("honours the level", () => {
    const { destination, text } = capture();
    const logger = createLogger({ level: "warn", environment: "production", destination });
    logger.info("hidden");
    logger.warn("shown");
    expect(text()).toContain("shown");
    expect(text()).not.toContain("hidden");
  });
});
