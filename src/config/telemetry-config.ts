/** Where traces go. Threadwork reads the standard OpenTelemetry variables, nothing of its own. */
export interface TelemetryConfig {
  /** The OTLP/HTTP traces URL; undefined: no tracing, and the SDK is never loaded. */
  tracesUrl: string | undefined;
  serviceName: string;
}

function setting(source: Record<string, string | undefined>, name: string): string | undefined {
  const value = source[name]?.trim();
  return value === "" ? undefined : value;
}

function httpUrl(text: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/**
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is the full URL; `OTEL_EXPORTER_OTLP_ENDPOINT` is a base
 * that gets `/v1/traces`. `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn tracing off.
 * Headers (`OTEL_EXPORTER_OTLP_HEADERS`) are read by the exporter itself and never logged.
 */
export function readTelemetryConfig(source: Record<string, string | undefined>): {
  settings: TelemetryConfig;
  problems: string[];
} {
  const serviceName = setting(source, "OTEL_SERVICE_NAME") ?? "threadwork";
  const off =
    setting(source, "OTEL_SDK_DISABLED")?.toLowerCase() === "true" ||
    setting(source, "OTEL_TRACES_EXPORTER")?.toLowerCase() === "none";
  const traces = setting(source, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const base = setting(source, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const variable = traces ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
  const given = traces ?? base;
  if (off || given === undefined) return { settings: { tracesUrl: undefined, serviceName }, problems: [] };
  const problems: string[] = [];
  if (!httpUrl(given)) {
    problems.push(`${variable} must be an http(s) URL of an OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318`);
  }
  const protocol =
    setting(source, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? setting(source, "OTEL_EXPORTER_OTLP_PROTOCOL");
  if (protocol === "grpc") {
    problems.push(
      "OTEL_EXPORTER_OTLP_PROTOCOL is grpc, but Threadwork exports traces over OTLP/HTTP: point the endpoint at the collector's HTTP port (4318) and unset the protocol or set http/json",
    );
  }
  const tracesUrl = traces ?? `${given.replace(/\/+$/, "")}/v1/traces`;
  return { settings: { tracesUrl: problems.length > 0 ? undefined : tracesUrl, serviceName }, problems };
}
