import { z } from "zod";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { SpendAlert } from "../../domain/spend-limits.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Logger } from "../../logger.ts";
import type { SurfaceEvent } from "../../runtime/surface-port.ts";
import { escapeText } from "./blocks/format.ts";
import type { WorkspaceAdmins } from "./workspace-admins.ts";

const openedSchema = z.looseObject({ channel: z.looseObject({ id: z.string() }) });

/** Where the alert's limit counts: the channel, the person or the workspace. */
export function alertWhere(alert: SpendAlert): string {
  const { kind, subject } = alert.target;
  if (kind === "channel-day") return `in <#${subject}>`;
  if (kind === "person-day") return `for <@${subject}>`;
  return "for this workspace";
}

export function alertMessage(alert: SpendAlert): string {
  return `:warning: Spend alert ${alertWhere(alert)}: ${escapeText(alert.text)} At the limit, new work pauses until an approver extends it.`;
}

/**
 * Sends each spend alert the runtime claimed to the configured admins, one DM each
 * (`conversations.open`, then `chat.postMessage`). The runtime emits an alert once per limit,
 * period and threshold, on the instance that recorded it.
 */
export function createSpendAlerts(options: {
  /** The installation the alert's limit belongs to: its token and its admins. */
  forInstallation(scope: TeamScope): { api: SlackApi; admins: WorkspaceAdmins };
  logger: Logger;
  track(work: Promise<unknown>): Promise<void>;
}): (event: SurfaceEvent) => void {
  async function send(alert: SpendAlert): Promise<void> {
    const { api, admins } = options.forInstallation(alert.target.scope);
    const recipients = await admins.alertRecipients();
    if (recipients.length === 0) {
      options.logger.info(
        { kind: alert.target.kind, percent: alert.percent },
        "spend alert with no admin to tell (THREADWORK_ADMINS)",
      );
      return;
    }
    for (const user of recipients) {
      try {
        const opened = openedSchema.parse(await api.call("conversations.open", { users: user }));
        await api.call("chat.postMessage", { channel: opened.channel.id, text: alertMessage(alert) });
      } catch (error) {
        options.logger.warn({ err: error, user }, "could not send a spend alert to an admin");
      }
    }
  }
  return (event) => {
    if (event.type === "spend-limit-alert") void options.track(send(event.alert));
  };
}
