import type { ForeignVariable } from "../environment-variable.ts";

/** The standard OpenTelemetry variables Threadwork documents; src/config/telemetry-config.ts reads them. */
export const observabilityVariables: readonly ForeignVariable[] = [
  {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    section: "Observability",
    description:
      "Traces: an OTLP/HTTP collector (port 4318); Threadwork adds /v1/traces (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT gives the full URL instead). Unset: no tracing, and the OpenTelemetry SDK is never loaded.",
    example: "http://127.0.0.1:4318",
    readBy: "src/config/telemetry-config.ts",
  },
  {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    section: "Observability",
    description:
      "Headers for the collector, read by the exporter and never logged, e.g. authorization=Bearer%20token for a hosted collector.",
    example: "authorization=Bearer%20token",
    secret: true,
    readBy: "the OpenTelemetry exporter",
  },
  {
    name: "OTEL_SERVICE_NAME",
    section: "Observability",
    description: "The service.name of the spans.",
    unsetMeans: "threadwork",
    example: "threadwork-staging",
    readBy: "src/config/telemetry-config.ts",
  },
];
