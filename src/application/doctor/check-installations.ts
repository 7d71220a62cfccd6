import { openDatabase } from "../../adapters/database/open-database.ts";
import { installationsThatDoNotOpen } from "../../adapters/database/slack-installations.ts";
import type { Config } from "../../config/config.ts";
import { errorMessage } from "../../domain/errors.ts";
import type { Logger } from "../../logger.ts";
import { tokenCipher } from "../slack-installations.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

const subject = "Slack workspaces";

/**
 * Which mode serves Slack: one workspace with SLACK_BOT_TOKEN, or many through the OAuth install,
 * then how many installations there are and whether THREADWORK_ENCRYPTION_KEY opens their tokens.
 */
export async function checkInstallations(
  config: Config,
  options: { logger: Logger; databaseOpens: boolean },
): Promise<DoctorCheck> {
  const oauth = config.slack.oauth;
  if (!oauth) {
    return ok(
      subject,
      "one workspace, with SLACK_BOT_TOKEN (SLACK_CLIENT_ID and the rest turn on installs into many)",
    );
  }
  if (!options.databaseOpens) {
    return warning(
      subject,
      "many workspaces through Slack's OAuth install; the installations were not read",
      "fix the database first",
    );
  }
  const { url, dataDir } = config.database;
  let handle: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    const cipher = tokenCipher(oauth);
    handle = await openDatabase({ url, dataDir, logger: options.logger });
    const { total, unreadable } = await installationsThatDoNotOpen(handle.db, cipher);
    const first = unreadable[0];
    if (first) {
      return problem(
        subject,
        `${unreadable.length} of ${total} installation${total === 1 ? "" : "s"} cannot be read: ${first.reason}`,
        "set THREADWORK_ENCRYPTION_KEY to the key the tokens were stored with, or have those workspaces install again",
      );
    }
    if (total === 0) {
      return warning(
        subject,
        "many workspaces through Slack's OAuth install, but none has installed yet",
        "open https://<your host>/slack/install and click Add to Slack (docs/multi-workspace.md)",
      );
    }
    return ok(
      subject,
      `many workspaces through Slack's OAuth install: ${total} installation${total === 1 ? "" : "s"}, tokens encrypted and readable with THREADWORK_ENCRYPTION_KEY`,
    );
  } catch (error) {
    return problem(
      subject,
      `the installations could not be read: ${errorMessage(error)}`,
      "run npm run doctor again once the database check passes",
    );
  } finally {
    await handle?.close();
  }
}
