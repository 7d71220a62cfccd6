import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("THREADWORK_METRICS_ADDRESS", () => {
  it("reads host:port, an IPv6 host in brackets, and is absent by default", () => {
    expect(loadConfig({}).slack.metricsListener).toBeUndefined();
    expect(loadConfig({ THREADWORK_METRICS_ADDRESS: "127.0.0.1:9091" }).slack.metricsListener).toEqual({
      host: "127.0.0.1",
      port: 9091,
    });
    expect(loadConfig({ THREADWORK_METRICS_ADDRESS: "[::]:9091" }).slack.metricsListener).toEqual({
      host: "::",
      port: 9091,
    });
  });

  it("refuses what is not host:port with a port in range", () => {
    for (const value of ["9091", "localhost", "::9091", "127.0.0.1:0", "127.0.0.1:70000"]) {
      expect(() => loadConfig({ THREADWORK_METRICS_ADDRESS: value }), value).toThrow(
        /THREADWORK_METRICS_ADDRESS/,
      );
    }
  });

  it("is how the shipped fly.toml keeps metrics private: Fly's [metrics] scrapes that port, not the public one", () => {
    const fly = read("fly.toml");
    const address = /^\s*THREADWORK_METRICS_ADDRESS = "([^"]+)"$/m.exec(fly)?.[1];
    const listener = loadConfig({ THREADWORK_METRICS_ADDRESS: address }).slack.metricsListener;
    const metrics = /^\[metrics\]\n\s*port = (\d+)\n\s*path = "([^"]+)"$/m.exec(fly);
    const publicPort = Number(/^\s*internal_port = (\d+)$/m.exec(fly)?.[1]);
    expect(metrics?.[2]).toBe("/metrics");
    expect(Number(metrics?.[1])).toBe(listener?.port);
    expect(listener?.port).not.toBe(publicPort);
  });
});
