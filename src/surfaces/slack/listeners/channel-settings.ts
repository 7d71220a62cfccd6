import type { App } from "@slack/bolt";
import { settingsIds } from "../blocks/action-ids.ts";
import { openSettingsModal, submitSettings } from "../channel-settings/settings-modal-flow.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { clickTarget } from "./interaction.ts";

/**
 * App Home's "Channel settings" button opens the settings modal with a channel picker; the
 * modal's submission (from there or `/threadwork settings`) is checked and saved here.
 */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(settingsIds.openFromHome, async ({ ack, body, context: boltContext }) => {
    await ack();
    const context = shared.forInstallation(eventScope(boltContext));
    const settings = context.channelSettings;
    const target = clickTarget(body);
    if (!settings || !target) return;
    await context.track(
      openSettingsModal(context, settings, {
        userId: target.user,
        userTeam: target.userTeam,
        teamId: target.teamId,
        channel: undefined,
        triggerId: target.triggerId,
        // From App Home there is no channel to answer in: the app's DM with the person.
        reply: async (text) => {
          await context.api.call("chat.postMessage", { channel: target.user, text });
        },
      }),
    );
  });

  app.view(settingsIds.modal, async ({ ack, body, view, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const settings = context.channelSettings;
    if (!settings) {
      await ack();
      return;
    }
    const submitted = submitSettings(context, settings, body, view);
    if (submitted.errors && Object.keys(submitted.errors).length > 0) {
      await ack({ response_action: "errors", errors: submitted.errors });
      return;
    }
    await ack();
    if (submitted.save) await context.track(submitted.save());
  });
}
