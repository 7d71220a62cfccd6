import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpServerUnavailableError } from "../../src/adapters/mcp/mcp-errors.ts";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import {
  debugLogger,
  everythingOverStdio,
  plainCall,
  reference,
  scopeOf,
  scratchDirectory,
  testMcpServers,
  textOf,
} from "../helpers/mcp-servers.ts";

const serviceSecret = "service-secret-4c1d9e7a";
const configuredToken = "configured-token-77b2f0";

describe.each(["required", "off"] as const)("a stdio server's environment with the sandbox %s", (sandbox) => {
  let data: Awaited<ReturnType<typeof scratchDirectory>>;
  const opened: McpServers[] = [];

  beforeAll(async () => {
    data = await scratchDirectory("mcp-data");
    process.env.THREADWORK_TEST_SECRET = serviceSecret;
    process.env.TRACKER_TOKEN = configuredToken;
    // The SDK's own stdio transport adds these from the service's environment whatever it is told.
    process.env.LOGNAME = "service-logname";
    process.env.SHELL = "/bin/service-shell";
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await data?.remove();
  });

  it("holds its configured variables, PATH and HOME, and nothing else of the service's", async () => {
    const mcp = testMcpServers({
      servers: [everythingOverStdio({ environment: { TRACKER_TOKEN: reference("TRACKER_TOKEN") } })],
      environment: process.env,
      dataDir: data.path,
      sandbox,
    });
    opened.push(mcp);
    const text = textOf(await mcp.call("everything", "get-env", {}, scopeOf("agent-1"), plainCall()));
    const environment = JSON.parse(text) as Record<string, string>;
    expect(text).not.toContain(serviceSecret);
    expect(environment.TRACKER_TOKEN).toBe(configuredToken);
    // bwrap's --chdir sets PWD; nothing else is added.
    expect(
      Object.keys(environment)
        .filter((name) => name !== "PWD")
        .sort(),
    ).toEqual(["HOME", "PATH", "TRACKER_TOKEN"]);
    expect(mcp.secretValues()).toEqual([configuredToken]);
  });

  it("names a missing variable, never a value, and keeps secrets out of what its stderr leaves in logs and errors", async () => {
    const missing = testMcpServers({
      servers: [everythingOverStdio({ environment: { TOKEN: reference("NOT_SET_ANYWHERE") } })],
      environment: process.env,
      dataDir: data.path,
      sandbox,
    });
    opened.push(missing);
    await expect(missing.list("everything", scopeOf("agent-2"))).rejects.toThrow(
      /environment variable NOT_SET_ANYWHERE it names is not set/,
    );

    const { logger, lines } = debugLogger();
    const leaky = testMcpServers({
      servers: [
        everythingOverStdio({
          args: ["-e", "console.error('my token is ' + process.env.TOKEN); process.exit(2)"],
          environment: { TOKEN: reference("TRACKER_TOKEN") },
        }),
      ],
      environment: process.env,
      dataDir: data.path,
      sandbox,
      logger,
      restart: { attempts: 1, initialDelayMs: 0 },
    });
    opened.push(leaky);
    const failure = await leaky.list("everything", scopeOf("agent-3")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpServerUnavailableError);
    expect(String((failure as Error).message)).toContain("my token is [REDACTED]");
    expect(lines.join("\n")).toContain("my token is [REDACTED]");
    expect(`${(failure as Error).message}\n${lines.join("\n")}`).not.toContain(configuredToken);
  });
});
