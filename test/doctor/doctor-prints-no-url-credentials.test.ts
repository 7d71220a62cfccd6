import { describe, expect, it } from "vitest";
import { formatChecklist } from "../../src/application/doctor/doctor-check.ts";
import { runDoctor } from "../../src/application/doctor/run-doctor.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";
import { scaled } from "../helpers/time-scale.ts";

/** Nothing listens on the discard port: every check that goes there fails and says where it went. */
const nowhere = "127.0.0.1:9";

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe("URLs with credentials", () => {
  it.each([
    ["SLACK_API_URL", "https://slack-gov.com/api/"],
    ["ANTHROPIC_BASE_URL", "https://anthropic-proxy.internal"],
    ["OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"],
  ])("%s with user:password@ is refused without echoing the password", (name, example) => {
    for (const value of [`https://user:s3cr3tpw@${nowhere}/api/`, `user:s3cr3tpw@${nowhere}/api`]) {
      const problems = problemsOf({ [name]: value });
      expect(problems).toEqual([
        `${name} holds credentials (user:password@ before the host): remove them; keys and tokens have variables of their own, e.g. ${name}=${example}`,
      ]);
      expect(problems.join()).not.toContain("s3cr3tpw");
    }
  });

  it("are never printed by the doctor, whatever built the configuration", async () => {
    const valid = loadConfig(
      {
        NODE_ENV: "production",
        ANTHROPIC_API_KEY: "sk-ant-doctor",
        SLACK_BOT_TOKEN: "xoxb-doctor-token",
        SLACK_APP_TOKEN: "xapp-doctor-token",
        DATABASE_URL: `postgres://postgres:s3cr3tpw@${nowhere}/threadwork?password=s3cr3tpw`,
        THREADWORK_SANDBOX: "off",
      },
      ["provider", "slack"],
    );
    // Validation refuses credentials in these; the doctor must not rely on it.
    const config = {
      ...valid,
      slack: { ...valid.slack, apiUrl: `http://slack:s3cr3tpw@${nowhere}/api/` },
      anthropic: { ...valid.anthropic, baseUrl: `http://anthropic:s3cr3tpw@${nowhere}` },
      git: {
        ...valid.git,
        repositories: [{ name: "remote", url: `http://git:s3cr3tpw@${nowhere}/acme/x.git` }],
      },
    };
    const printed = formatChecklist(await runDoctor(config, { timeoutMs: scaled(3000) }));
    expect(printed).toContain(`SLACK_API_URL (http://***@${nowhere}/api/)`);
    expect(printed).toContain(
      `PostgreSQL at postgres://***@${nowhere}/threadwork?password=*** (DATABASE_URL)`,
    );
    expect(printed).not.toContain("s3cr3tpw");
  });
});
