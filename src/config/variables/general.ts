import { choice, directory, postgresUrl, setting, text } from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** `test` and `production` as given; anything else is development. */
const nodeEnvironment = setting((value): "production" | "development" | "test" =>
  value === "production" || value === "test" ? value : "development",
);

/** The service itself: how it logs, where it stores, which configuration file it reads. */
export const generalVariables = [
  variable({
    name: "NODE_ENV",
    parse: nodeEnvironment,
    section: "General",
    description: "production logs JSON lines; development logs pretty lines; test behaves like production.",
    default: "development",
    example: "production",
  }),
  variable({
    name: "LOG_LEVEL",
    parse: choice(logLevels, `must be one of ${logLevels.join(", ")}`),
    section: "General",
    description: "fatal, error, warn, info, debug, trace or silent.",
    default: "info",
    example: "debug",
  }),
  variable({
    name: "DATABASE_URL",
    parse: postgresUrl,
    section: "Storage",
    description:
      "A postgres:// URL (PostgreSQL 15+). Unset: the embedded PGlite database under THREADWORK_DATA_DIR.",
    example: "postgres://threadwork@db.internal:5432/threadwork",
    secret: true,
  }),
  variable({
    name: "THREADWORK_DATA_DIR",
    parse: directory,
    section: "Storage",
    description: "Holds the embedded database (pgdata/), the workspaces and the chat log.",
    default: "./.threadwork",
    example: "/data",
  }),
  // Read by `readConfigFile` (src/config/config-file.ts): the configuration file's path.
  variable({
    name: "THREADWORK_CONFIG",
    parse: text,
    section: "Configuration file",
    description:
      "The configuration file: repository settings, MCP servers, prices and context windows, never secrets. When set, the file must exist. See threadwork.config.example.json and docs/configuration.md.",
    unsetMeans: "./threadwork.config.json when it exists",
    example: "/etc/threadwork/threadwork.config.json",
  }),
] as const;
