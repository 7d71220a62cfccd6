import type { Config } from "../../config/config.ts";
import { createLogger, type Logger } from "../../logger.ts";
import { checkDatabase } from "./check-database.ts";
import { checkInstallations } from "./check-installations.ts";
import { checkMcpServers } from "./check-mcp-servers.ts";
import { checkModels } from "./check-models.ts";
import { checkNodeRuntimes } from "./check-node.ts";
import { checkRepositories } from "./check-repositories.ts";
import { checkSandbox, checkSetupRestore } from "./check-sandbox.ts";
import { checkSlack } from "./check-slack.ts";
import type { DoctorCheck } from "./doctor-check.ts";

interface DoctorOptions {
  /** Per network check (models list, ls-remote). */
  timeoutMs?: number;
  /** Where bwrap is looked for; `PATH` by default. */
  searchPath?: string;
  manifest?: string;
}

/** A logger that keeps what checks warn about instead of printing it. */
function collectingLogger(): { logger: Logger; warnings: () => string[] } {
  const lines: { level: number; msg?: string; error?: string }[] = [];
  const logger = createLogger({
    level: "warn",
    environment: "production",
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  });
  return {
    logger,
    warnings: () =>
      lines.filter((line) => line.level >= 40).map((line) => line.error ?? line.msg ?? "warning"),
  };
}

/**
 * Checks a deployment without changing it: Slack (token, scopes against manifest.json, the
 * app token), the providers and models, git access to every repository, the Node each one's
 * commands run on, the command sandbox and how cached setups are restored,
 * the database and its migrations, and each MCP server (its tools, or what is wrong). The checks run at once; the list keeps this order.
 */
export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const models = collectingLogger();
  const quiet = collectingLogger();
  const timeout = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {};
  const groups = await Promise.all([
    checkSlack(config, { logger: quiet.logger, ...(options.manifest ? { manifest: options.manifest } : {}) }),
    checkModels(config, { logger: models.logger, warnings: models.warnings, ...timeout }),
    checkRepositories(config, timeout),
    checkNodeRuntimes(config),
    Promise.all([
      checkSandbox(config, options.searchPath ? { searchPath: options.searchPath } : {}),
      checkSetupRestore(config, options.searchPath ? { searchPath: options.searchPath } : {}),
    ]),
    // After the database check, never beside it: the embedded database opens once at a time.
    checkDatabase(config, { logger: quiet.logger }).then(async (check) => [
      check,
      await checkInstallations(config, { logger: quiet.logger, databaseOpens: check.status === "ok" }),
    ]),
    checkMcpServers(config.mcp.servers, {
      environment: process.env,
      dataDir: config.database.dataDir,
      sandbox: config.git.sandbox,
      searchPath: options.searchPath ?? process.env.PATH ?? "",
      ...timeout,
    }),
  ]);
  return groups.flat();
}
