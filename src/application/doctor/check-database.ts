import { existsSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "../../adapters/database/open-database.ts";
import { pendingMigrations } from "../../adapters/database/pending-migrations.ts";
import type { Config } from "../../config/config.ts";
import { displayUrl } from "../../domain/display-url.ts";
import { errorMessage } from "../../domain/errors.ts";
import type { Logger } from "../../logger.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

const migrate = "run npm run db:migrate (npm start also applies them)";

/** The database answers and has every migration; nothing is changed. */
export async function checkDatabase(config: Config, options: { logger: Logger }): Promise<DoctorCheck> {
  const { url, dataDir } = config.database;
  const where = url
    ? `PostgreSQL at ${displayUrl(url)} (DATABASE_URL)`
    : `the embedded database in ${dataDir}`;
  if (!url && !existsSync(path.join(dataDir, "pgdata"))) {
    return problem("Database", `${where} does not exist yet`, migrate);
  }
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase({ url, dataDir, logger: options.logger });
  } catch (error) {
    const message = errorMessage(error);
    if (!url && message.includes("in use by process")) {
      return warning(
        "Database",
        `${message.split(". ")[0]}: its migrations are applied at every start, so only a stopped service can be checked`,
        "run npm run doctor while Threadwork is stopped, or use DATABASE_URL",
      );
    }
    return problem(
      "Database",
      `${where} cannot be opened: ${message}`,
      "check DATABASE_URL and that the server is up",
    );
  }
  try {
    const pending = await pendingMigrations(handle.db);
    return pending.length === 0
      ? ok("Database", `${where} answers and every migration is applied`)
      : problem(
          "Database",
          `${where} lacks ${pending.length} migration${pending.length > 1 ? "s" : ""}: ${pending.join(", ")}`,
          migrate,
        );
  } catch (error) {
    return problem(
      "Database",
      `${where} did not answer: ${errorMessage(error)}`,
      "check DATABASE_URL and that the server is up",
    );
  } finally {
    await handle.close();
  }
}
