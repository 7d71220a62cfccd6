import type { Installation } from "@slack/oauth";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { AuditRecorder } from "../../../domain/audit.ts";
import type { Logger } from "../../../logger.ts";

interface OutcomeContext {
  clientOptions: WebClientOptions;
  logger: Logger;
  audit: AuditRecorder;
}

/** The workspaces an org-wide install was added to so far (`auth.teams.list`), or undefined if Slack would not say. */
async function orgWorkspaceCount(client: WebClient, logger: Logger): Promise<number | undefined> {
  try {
    const answer = (await client.auth.teams.list({ limit: 100 })) as { teams?: unknown[] };
    return answer.teams?.length ?? 0;
  } catch (error) {
    logger.warn({ err: error }, "could not list the workspaces of the org-wide install");
    return undefined;
  }
}

/** An install from a workspace not on the list: its token is revoked at once and nothing is stored. */
export async function refuseInstall(installation: Installation, context: OutcomeContext): Promise<void> {
  const { clientOptions, logger } = context;
  logger.warn(
    { teamId: installation.team?.id, enterpriseId: installation.enterprise?.id },
    "refused an install from a workspace not in THREADWORK_ALLOWED_TEAMS; its token is revoked",
  );
  if (!installation.bot) return;
  await new WebClient(installation.bot.token, clientOptions).auth.revoke().catch((error: unknown) => {
    logger.warn({ err: error }, "could not revoke the refused install's token");
  });
}

/**
 * Logs and audits a stored install; for an org-wide one, counts the workspaces that have the app
 * (`auth.teams.list`) and warns when there are none. Returns that count.
 */
export async function completeInstall(
  installation: Installation,
  context: OutcomeContext,
): Promise<number | undefined> {
  const { clientOptions, logger, audit } = context;
  const scope = { teamId: installation.team?.id ?? "", enterpriseId: installation.enterprise?.id };
  const where = installation.isEnterpriseInstall
    ? `organization ${scope.enterpriseId}`
    : `workspace ${scope.teamId}`;
  let workspaces: number | undefined;
  if (installation.isEnterpriseInstall && installation.bot) {
    workspaces = await orgWorkspaceCount(new WebClient(installation.bot.token, clientOptions), logger);
    if (workspaces === 0) {
      logger.warn(
        { enterpriseId: scope.enterpriseId },
        "installed org-wide, but no workspace of the organization has the app yet: nobody can use it until an admin adds it to a workspace",
      );
    }
  }
  logger.info(
    { teamId: scope.teamId, enterpriseId: scope.enterpriseId, workspaces },
    `installed in ${where}`,
  );
  await audit
    .record({
      scope,
      action: "install",
      actorId: installation.user.id,
      detail: `installed in ${where} with bot scopes ${installation.bot?.scopes.join(",") ?? ""}`,
    })
    .catch((error: unknown) =>
      logger.warn({ err: error }, "could not record the install in the audit trail"),
    );
  return workspaces;
}
