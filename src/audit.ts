// First, before anything that needs Node 24: an older Node stops here with a clear message.
import "./require-node-24.mjs";
import { pino } from "pino";
import { auditUsage, exportAuditTrail, readAuditCommandLine } from "./application/audit-command.ts";
import { describeFailure, readConfigOrReport } from "./application/entry-point.ts";
import { createLogger } from "./logger.ts";

/** `npm run audit -- --since 2026-12-01 --format csv`: the audit trail on stdout, logs on stderr. */
async function main(): Promise<void> {
  const command = readAuditCommandLine(process.argv.slice(2));
  if ("help" in command) {
    process.stdout.write(auditUsage);
    return;
  }
  if ("problem" in command) {
    process.stderr.write(`${command.problem}\n\n${auditUsage}`);
    process.exitCode = 2;
    return;
  }
  const config = readConfigOrReport([]);
  if (!config) {
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({
    level: config.logLevel,
    environment: config.environment,
    destination: pino.destination({ dest: 2, sync: true }),
  });
  try {
    process.stdout.write(await exportAuditTrail(config, command.export, logger));
  } catch (error) {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exitCode = 1;
  }
}

await main();
