import { parseAuditArguments } from "../../../domain/audit-arguments.ts";
import { formatAudit } from "../../../domain/audit-export.ts";
import { sendFileInDirectMessage } from "../direct-message-file.ts";
import type { Subcommand, SubcommandCall } from "./threadwork-subcommand.ts";

const usage = "/threadwork audit [--since 2026-12-01] [csv|json]";

export const adminOnlyRefusal =
  "Only this workspace's admins and owners, or admins named by Threadwork's operator, can export the audit trail. Nothing was sent.";

/**
 * `/threadwork audit`: an admin gets their own workspace's audit trail as a file in their DM.
 * The team is the one the command came from; no argument can name another.
 */
async function exportAudit(call: SubcommandCall): Promise<void> {
  const { context, userId, teamId } = call;
  if (!teamId || !(await context.admins.isAdmin(userId, teamId))) {
    await call.reply(adminOnlyRefusal);
    return;
  }
  if (!context.audit) {
    await call.reply("The audit trail is kept in the database, which this process does not have.");
    return;
  }
  const parsed = parseAuditArguments(call.text.split(/\s+/), { allowTeam: false });
  if ("error" in parsed) {
    await call.reply(`${parsed.error} Usage: \`${usage}\``);
    return;
  }
  const records = await context.audit.list({ teamId, since: parsed.since });
  const day = context.now().toISOString().slice(0, 10);
  const fileName = `threadwork-audit-${teamId}-${day}.${parsed.format}`;
  const since = parsed.since ? ` since ${parsed.since.toISOString()}` : "";
  try {
    await sendFileInDirectMessage(context, userId, {
      fileName,
      title: `Threadwork audit trail of ${teamId}${since}`,
      content: formatAudit(records, parsed.format),
      comment: `${records.length} audit ${records.length === 1 ? "entry" : "entries"}${since}.`,
    });
  } catch (error) {
    context.logger.warn({ err: error, user: userId }, "could not send an audit export");
    await call.reply("Slack refused the upload of the audit file, so nothing was sent. Try again later.");
    return;
  }
  context.logger.info({ user: userId, team: teamId, entries: records.length }, "audit trail exported");
  await call.reply(
    `Sent ${fileName} (${records.length} ${records.length === 1 ? "entry" : "entries"}) to your DM.`,
  );
}

export const auditSubcommand: Subcommand = {
  name: "audit",
  summary: "send this workspace's audit trail to your DM as CSV or JSON (workspace admins)",
  usage,
  run: exportAudit,
};
