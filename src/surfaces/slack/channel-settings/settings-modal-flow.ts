import { z } from "zod";
import { changedSettings, mentionOf } from "../../../domain/channel-settings.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import { settingsIds } from "../blocks/action-ids.ts";
import { channelSettingsModal } from "../blocks/channel-settings-modal.ts";
import { escapeText } from "../blocks/format.ts";
import { postEphemeral } from "../ephemeral.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { mayChangeSettings, settingsRefusal } from "./settings-admin.ts";
import type { ChannelSettingsContext } from "./settings-store.ts";
import { readSettingsSubmission } from "./settings-submission.ts";

/** The team a payload came from; the installing workspace's organization, if any. */
export async function teamScopeOf(
  context: Pick<SlackSurfaceContext, "workspace">,
  teamId: string | undefined,
): Promise<TeamScope | undefined> {
  const home = await context.workspace.get().catch(() => undefined);
  const team = teamId ?? home?.teamId;
  return team ? { teamId: team, enterpriseId: home?.enterpriseId } : undefined;
}

/** Who asked, where, and with which trigger (a command, App Home's button). */
export interface SettingsRequest {
  userId: string;
  userTeam: string | undefined;
  teamId: string | undefined;
  /** The command's channel; absent from App Home, where the modal asks for one. */
  channel: string | undefined;
  triggerId: string | undefined;
  /** Tells only the person who asked. */
  reply(text: string): Promise<void>;
}

const metadataSchema = z.object({
  channel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/)
    .optional(),
  teamId: z.string().optional(),
});

/** Opens the settings modal for an admin; anyone else is refused and nothing opens. */
export async function openSettingsModal(
  context: SlackSurfaceContext,
  settings: ChannelSettingsContext,
  request: SettingsRequest,
): Promise<void> {
  const actor = { userId: request.userId, userTeam: request.userTeam, channel: request.channel };
  if (!(await mayChangeSettings(context, settings, actor))) {
    context.logger.info(
      { user: request.userId, channel: request.channel },
      "refused a channel settings change",
    );
    await request.reply(settingsRefusal);
    return;
  }
  const scope = await teamScopeOf(context, request.teamId);
  if (!scope || !request.triggerId) return;
  const current = request.channel ? await settings.store.current(scope, request.channel) : undefined;
  await context.api.call("views.open", {
    trigger_id: request.triggerId,
    view: channelSettingsModal({
      callbackId: settingsIds.modal,
      metadata: { ...(request.channel ? { channel: request.channel } : {}), teamId: scope.teamId },
      input: {
        channel: request.channel,
        current: current?.settings ?? {},
        repositories: settings.choices.repositories,
        models: settings.choices.models,
        mcpServers: settings.choices.mcpServers,
        defaults: {
          repository: settings.choices.defaultRepository,
          budgetUsd: settings.deployment.budgetUsd,
        },
      },
    }),
  });
}

function valueText(setting: string, value: unknown): string {
  if (value === null || value === undefined) return "unset (deployment default)";
  const people = setting === "approvers" || setting === "starters";
  if (Array.isArray(value))
    return value.map((item) => (people ? mentionOf(String(item)) : escapeText(String(item)))).join(", ");
  if (typeof value === "object") return escapeText(JSON.stringify(value));
  return escapeText(String(value));
}

/** A submitted modal: fields that do not parse are shown beside them (`errors`); else it is saved after the ack. */
export function submitSettings(
  context: SlackSurfaceContext,
  settings: ChannelSettingsContext,
  body: { user: { id: string; team_id?: string | undefined }; team?: { id: string } | null | undefined },
  view: { private_metadata?: string | undefined; state?: unknown },
): { errors?: Record<string, string>; save?: () => Promise<void> } {
  const read = readSettingsSubmission(view.state, settings.choices, settings.deployment.approverIds);
  if (!read.ok) return { errors: read.errors };
  let metadata: z.infer<typeof metadataSchema> = {};
  try {
    metadata = metadataSchema.parse(JSON.parse(view.private_metadata ?? "{}"));
  } catch {
    metadata = {};
  }
  const channel = metadata.channel ?? read.channel;
  if (!channel) return { errors: {} };
  const userId = body.user.id;
  return {
    async save() {
      const reply = (text: string) =>
        postEphemeral(context, { channel, user: userId, threadTs: undefined }, text);
      // The view is the submitter's to forge: who submits it is checked again, with Slack.
      const actor = { userId, userTeam: body.user.team_id, channel };
      if (!(await mayChangeSettings(context, settings, actor))) {
        context.logger.info({ user: userId, channel }, "refused a channel settings submission");
        await reply(settingsRefusal);
        return;
      }
      const scope = await teamScopeOf(context, body.team?.id ?? metadata.teamId);
      if (!scope) return;
      const current = await settings.store.current(scope, channel);
      const changes = changedSettings(current?.settings, read.settings);
      if (changes.length === 0) {
        await reply(`Nothing changed in <#${channel}>'s settings.`);
        return;
      }
      await settings.store.save({
        scope,
        channelId: channel,
        settings: read.settings,
        changes,
        changedBy: userId,
      });
      for (const change of changes) {
        await settings.audit.record({
          scope,
          action: "settings-changed",
          actorId: userId,
          channelId: channel,
          detail: `${change.setting} = ${JSON.stringify(change.value)}`,
        });
      }
      const lines = changes.map(
        (change) => `• ${change.setting}: ${valueText(change.setting, change.value)}`,
      );
      await reply([`Settings of <#${channel}> saved; new sessions there use them:`, ...lines].join("\n"));
    },
  };
}
