import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";

const root = resolve(import.meta.dirname, "../..");

async function packagesLoaded(tracesUrl: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    join(root, "node_modules/.bin/node"),
    ["test/fixtures/observability-child.ts"],
    { cwd: root, env: { PATH: process.env.PATH ?? "", TRACES_URL: tracesUrl } },
  );
  return JSON.parse(stdout) as string[];
}

describe("tracing", () => {
  it("loads no OpenTelemetry SDK or exporter without an endpoint, and both with one", async () => {
    const [without, withEndpoint] = await Promise.all([
      packagesLoaded(""),
      packagesLoaded("http://127.0.0.1:9/v1/traces"),
    ]);
    expect(without).not.toContain("@opentelemetry/sdk-trace");
    expect(without).not.toContain("@opentelemetry/exporter-trace-otlp-http");
    expect(withEndpoint).toEqual(
      expect.arrayContaining(["@opentelemetry/sdk-trace", "@opentelemetry/exporter-trace-otlp-http"]),
    );
  });

  it("reads the standard OTLP variables, and refuses what it cannot use", () => {
    const tracesOf = (environment: Record<string, string>) => loadConfig(environment).telemetry;
    expect(tracesOf({})).toEqual({ tracesUrl: undefined, serviceName: "threadwork" });
    expect(tracesOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })?.tracesUrl).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(
      tracesOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/otlp/spans",
        OTEL_SERVICE_NAME: "threadwork-eu",
      }),
    ).toEqual({ tracesUrl: "https://traces.example/otlp/spans", serviceName: "threadwork-eu" });
    expect(
      tracesOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })
        ?.tracesUrl,
    ).toBe(undefined);
    expect(
      tracesOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" })
        ?.tracesUrl,
    ).toBe(undefined);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL of an OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318",
    );
    expect(() =>
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      }),
    ).toThrow("Threadwork exports traces over OTLP/HTTP");
  });
});
