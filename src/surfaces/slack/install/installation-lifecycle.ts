import type { App } from "@slack/bolt";
import type { InstallationTokens } from "../../../adapters/slack/installation-tokens.ts";
import { type AuditAction, type AuditRecorder, noAudit } from "../../../domain/audit.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import type { Logger } from "../../../logger.ts";
import type { RuntimeApi } from "../../../runtime/runtime-api.ts";

/** What ending an installation needs: its tokens, its open sessions, and the audit trail. */
export interface InstallationLifecycle {
  installations: InstallationTokens;
  /** A workspace's open sessions, or an organization's when `teamId` is undefined. */
  openSessions(scope: {
    teamId: string | undefined;
    enterpriseId: string | undefined;
  }): Promise<{ id: string; ownerId: string }[]>;
  audit?: AuditRecorder;
}

interface EndedInstallation {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  orgWide: boolean;
}

/** The installation an `app_uninstalled` or `tokens_revoked` envelope is about. */
export function endedInstallation(body: Record<string, unknown>): EndedInstallation {
  const authorizations = Array.isArray(body.authorizations) ? body.authorizations : [];
  const first = (authorizations[0] ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const orgWide = body.is_enterprise_install === true || first.is_enterprise_install === true;
  return {
    teamId: text(body.team_id) ?? text(first.team_id),
    enterpriseId: text(body.enterprise_id) ?? text(first.enterprise_id),
    orgWide,
  };
}

/**
 * Ends an installation whose tokens Slack no longer honours. Its tokens are forgotten first, so
 * nothing (a cancelled agent's notice included) calls Slack with them again; then each open
 * session is stopped with the runtime's own Stop, as its owner would (work done so far is kept),
 * and the end is recorded.
 */
export async function endInstallation(
  options: { lifecycle: InstallationLifecycle; runtime: RuntimeApi; logger: Logger },
  ended: EndedInstallation,
  action: Extract<AuditAction, "uninstall" | "tokens-revoked">,
): Promise<{ stoppedSessions: number }> {
  const { lifecycle, runtime, logger } = options;
  const scope: TeamScope = {
    teamId: ended.orgWide ? "" : (ended.teamId ?? ""),
    enterpriseId: ended.enterpriseId,
  };
  await lifecycle.installations.remove(scope);
  const sessions = await lifecycle.openSessions({
    teamId: ended.orgWide ? undefined : ended.teamId,
    enterpriseId: ended.orgWide ? ended.enterpriseId : undefined,
  });
  let stoppedSessions = 0;
  for (const session of sessions) {
    try {
      await runtime.handle({ type: "cancel", sessionId: session.id, userId: session.ownerId });
      stoppedSessions += 1;
    } catch (error) {
      logger.error(
        { err: error, sessionId: session.id },
        "could not stop a session of an ended installation",
      );
    }
  }
  const where = ended.orgWide ? `organization ${ended.enterpriseId}` : `workspace ${ended.teamId}`;
  await (lifecycle.audit ?? noAudit)
    .record({
      scope: { teamId: ended.teamId ?? "", enterpriseId: ended.enterpriseId },
      action,
      actorId: "threadwork",
      detail: `${action === "uninstall" ? "app uninstalled from" : "tokens revoked in"} ${where}; ${stoppedSessions} open session(s) stopped and its tokens deleted`,
    })
    .catch((error: unknown) => logger.warn({ err: error }, "could not record the installation's end"));
  logger.info(
    { teamId: ended.teamId, enterpriseId: ended.enterpriseId, stoppedSessions },
    `${where}: ${action}; its tokens are deleted and its sessions stopped`,
  );
  return { stoppedSessions };
}

/** `app_uninstalled` and `tokens_revoked` (bot tokens) end their installation. */
export function register(
  app: App,
  options: {
    lifecycle: InstallationLifecycle;
    runtime: RuntimeApi;
    logger: Logger;
    track(work: Promise<unknown>): Promise<void>;
  },
): void {
  app.event("app_uninstalled", async ({ body }) => {
    await options.track(
      endInstallation(options, endedInstallation(body as unknown as Record<string, unknown>), "uninstall"),
    );
  });
  app.event("tokens_revoked", async ({ body, event }) => {
    const ended = endedInstallation(body as unknown as Record<string, unknown>);
    if ((event.tokens.bot ?? []).length === 0) {
      // Only people's tokens: the app asks for none, and its bot still works.
      options.logger.info({ teamId: ended.teamId }, "user tokens were revoked; the bot token still works");
      return;
    }
    await options.track(endInstallation(options, ended, "tokens-revoked"));
  });
}
