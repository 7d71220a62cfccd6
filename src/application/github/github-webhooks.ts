import type { App } from "@slack/bolt";
import type { Database } from "../../adapters/database/open-database.ts";
import { claimInboundEvent } from "../../adapters/database/processed-events.ts";
import { defaultGitHubOptions, type GitHubOptions } from "../../adapters/git/github-pull-request.ts";
import { createGitHubRest } from "../../adapters/github/github-rest.ts";
import type { Config } from "../../config/config.ts";
import type { GitHubEvent } from "../../domain/github-events.ts";
import type { Logger } from "../../logger.ts";
import type { SlackSurfaceContext } from "../../surfaces/slack/surface-context.ts";
import type { WebhookRoute } from "../../surfaces/slack/webhook-route.ts";
import { addressReview, registerReviewApproval } from "./address-review.ts";
import { findCrewPullRequest } from "./crew-pull-request.ts";
import { fixFailedCheck } from "./fix-failed-check.ts";
import type { GitHubEventsContext } from "./github-events-context.ts";
import { createGitHubWebhookRoute, githubEventsPath } from "./github-webhook-route.ts";

async function processEvent(
  context: GitHubEventsContext,
  event: GitHubEvent,
  delivery: string,
): Promise<void> {
  if (event.kind === "ignored") return;
  const crew = await findCrewPullRequest({
    db: context.db,
    repositories: context.repositories,
    hosts: context.hosts,
    threads: context.slack.threads,
    fullName: event.repository,
    branch: event.branch,
  });
  if (!crew) {
    context.logger.debug(
      { delivery, repository: event.repository, branch: event.branch },
      "GitHub event on a branch Threadwork did not push: ignored",
    );
    return;
  }
  if (event.kind === "check-failed") await fixFailedCheck(context, event, crew);
  else await addressReview(context, event, crew);
}

/**
 * The Slack surface's `webhooks` option: `POST /github/events` when GITHUB_WEBHOOK_SECRET is
 * set, nothing (so 404) when it is not.
 */
export function githubWebhooks(options: {
  config: Config["git"];
  db: Database;
  logger: Logger;
  /** The REST API and GitHub's hosts; api.github.com and github.com by default, a fake in tests. */
  github?: Partial<GitHubOptions>;
}): (slack: SlackSurfaceContext, app: App) => Record<string, WebhookRoute> {
  return (slack, app) => {
    const secret = options.config.github?.webhookSecret;
    const routes: Record<string, WebhookRoute> = {};
    if (!secret) return routes;
    const github: GitHubOptions = { ...defaultGitHubOptions, ...options.github };
    const token = options.config.githubToken;
    const context: GitHubEventsContext = {
      db: options.db,
      slack,
      repositories: options.config.repositories,
      hosts: github.hosts,
      rest: token ? createGitHubRest(github, token) : undefined,
      settings: {
        autofix: options.config.github?.autofix ?? "on",
        autofixAttempts: options.config.github?.autofixAttempts ?? 2,
      },
      secrets: [token, options.config.token, secret].filter((value): value is string => Boolean(value)),
      claim: (key) => claimInboundEvent(options.db, "github", key),
      logger: options.logger,
    };
    const route = createGitHubWebhookRoute({
      secret,
      claimDelivery: (id) => claimInboundEvent(options.db, "github-delivery", id),
      process: (event, delivery) => processEvent(context, event, delivery.id),
      track: (work) => void slack.track(work),
      now: slack.now,
      logger: options.logger,
    });
    registerReviewApproval(app, context);
    routes[githubEventsPath] = route;
    return routes;
  };
}
