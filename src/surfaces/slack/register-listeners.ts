import type { App } from "@slack/bolt";
import type { TeamScope } from "../../domain/team-scope.ts";
import { register as registerCodeChannelCommands } from "./code-channels/code-channel-commands.ts";
import { CodeChannels } from "./code-channels/code-channels.ts";
import { register as registerThreadworkCommand } from "./commands/threadwork-command.ts";
import { setUpOAuthInstall } from "./install/oauth-install.ts";
import { register as registerAgentSessions } from "./listeners/agent-sessions.ts";
import { register as registerAppHome } from "./listeners/app-home.ts";
import { register as registerChannelSettings } from "./listeners/channel-settings.ts";
import { register as registerCrew } from "./listeners/crew.ts";
import { register as registerDecisions } from "./listeners/decisions.ts";
import { register as registerFeedback } from "./listeners/feedback.ts";
import { register as registerMessages } from "./listeners/messages.ts";
import { register as registerPlans } from "./listeners/plans.ts";
import { register as registerQuestions } from "./listeners/questions.ts";
import { register as registerRetry } from "./listeners/retry.ts";
import { register as registerSteer } from "./listeners/steer.ts";
import { register as registerThreadEdits } from "./listeners/thread-edits.ts";
import { register as registerWatchedChannels } from "./listeners/watched-channels.ts";
import type { PageRoute } from "./page-route.ts";
import { startSchedules } from "./schedules/start-schedules.ts";
import type { SlackSurfaceOptions } from "./slack-surface-options.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";
import type { WebhookRoute } from "./webhook-route.ts";

/**
 * Every listener of the surface on Bolt's app, and what they start: code channels, schedules,
 * webhook routes and, in OAuth mode, the install pages and the end of an installation.
 */
export function registerListeners(
  app: App,
  context: SlackSurfaceContext,
  parts: {
    options: SlackSurfaceOptions;
    webhooks: Record<string, WebhookRoute>;
    pages: Record<string, PageRoute>;
  },
) {
  const { options, webhooks, pages } = parts;
  const { config, runtime, store, logger } = options;
  const { api, threads, publisher, now } = context;
  registerMessages(app, context);
  registerThreadEdits(app, context);
  registerQuestions(app, context);
  registerPlans(app, context);
  registerDecisions(app, context);
  registerCrew(app, context);
  registerSteer(app, context);
  registerAppHome(app, context);
  registerThreadworkCommand(app, context);
  registerChannelSettings(app, context);
  const codeChannels = config.codeChannels
    ? new CodeChannels({
        api,
        runtime,
        store,
        threads,
        publisher,
        logger,
        now,
        diffs: options.sessionDiffs,
        intervalMs: options.timing?.codeChannelIntervalMs,
      })
    : undefined;
  if (codeChannels) registerCodeChannelCommands(app, context, codeChannels);
  registerAgentSessions(app, context);
  registerFeedback(app, context);
  registerRetry(app, context);
  const schedules = options.schedules ? startSchedules(app, context, options.schedules) : undefined;
  registerWatchedChannels(app, context);
  Object.assign(webhooks, options.webhooks?.(context, app));
  if (options.oauthInstall) {
    const stored = options.installations;
    // Ending an installation also drops its cached clients and contexts, not only its tokens.
    const installations = stored && {
      botFor: (scope: TeamScope) => stored.botFor(scope),
      remove: (scope: TeamScope) => context.removeInstallation?.(scope) ?? stored.remove(scope),
    };
    const install = { install: options.oauthInstall, installations, apiUrl: config.apiUrl, runtime, logger };
    Object.assign(pages, setUpOAuthInstall(app, { ...install, track: context.track }));
  }

  return { codeChannels, schedules };
}
