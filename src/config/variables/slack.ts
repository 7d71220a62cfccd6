import { approvalPolicies } from "../../domain/decision-rule.ts";
import { followUpRules } from "../../domain/follow-up-rule.ts";
import {
  choice,
  commaList,
  flag,
  httpUrl,
  listenAddress,
  slackToken,
  text,
  wholeNumber,
} from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

/** The Slack app, and who may use it. */
export const slackVariables = [
  variable({
    name: "SLACK_BOT_TOKEN",
    parse: slackToken("xoxb-", "bot token"),
    section: "Slack",
    description: "Bot token (xoxb-...) from the app's OAuth & Permissions page. Required by npm start.",
    example: "xoxb-...",
    secret: true,
  }),
  variable({
    name: "SLACK_SIGNING_SECRET",
    parse: text,
    section: "Slack",
    description: "HTTP mode: verifies requests to POST /slack/events. Set this or SLACK_APP_TOKEN.",
    example: "8f14e45fceea167a5a36dedd4bea2543",
    secret: true,
  }),
  variable({
    name: "SLACK_APP_TOKEN",
    parse: slackToken("xapp-", "app-level token"),
    section: "Slack",
    description:
      "Socket Mode app-level token (xapp-...) with connections:write. Set this or SLACK_SIGNING_SECRET.",
    example: "xapp-...",
    secret: true,
  }),
  variable({
    name: "SLACK_API_URL",
    parse: httpUrl,
    section: "Slack",
    description: "Slack Web API base URL override, for GovSlack or a fake Slack in tests.",
    unsetMeans: "https://slack.com/api/",
    example: "https://slack-gov.com/api/",
  }),
  variable({
    name: "PORT",
    parse: wholeNumber({ max: 65535 }),
    section: "Slack",
    description:
      "HTTP port: POST /slack/events in HTTP mode, GET /healthz in both modes, and GET /metrics unless THREADWORK_METRICS_ADDRESS moves it.",
    default: "3000",
    example: "3000",
  }),
  variable({
    name: "THREADWORK_METRICS_ADDRESS",
    parse: listenAddress,
    section: "Slack",
    description:
      "A separate listener (host:port, IPv6 in brackets) for GET /metrics, which then leaves PORT: keep it off the public port, e.g. for Fly's [metrics] scrape.",
    unsetMeans: "GET /metrics on PORT",
    example: "127.0.0.1:9091",
  }),
  variable({
    name: "THREADWORK_SHARED_FILE_MAX_BYTES",
    parse: wholeNumber(),
    section: "Slack",
    description:
      "The largest file shared in a session's thread that is fetched (into workers' .threadwork/files/) and the largest a worker may attach to the thread, in bytes. Images are also capped at 3,750,000 bytes.",
    default: "2097152",
    example: "2097152",
  }),
  variable({
    name: "THREADWORK_CODE_CHANNELS",
    parse: flag,
    section: "Slack",
    description:
      "Slack Code: a code channel per session that puts sub-agents to work on a repository (true or false). Needs the app's code channel settings: docs/slack.md#code-channels.",
    default: "false",
    example: "true",
  }),
  variable({
    name: "THREADWORK_APPROVERS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description: "Slack user ids that may decide approvals and budgets in any session, comma-separated.",
    example: "U012AB3CD,U045EF6GH",
  }),
  variable({
    name: "THREADWORK_ADMINS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description:
      "User ids (U...) and user group ids (S...) who administer Threadwork in their workspace besides its admins and owners: channel settings (/threadwork settings), spend limits (/threadwork limits, alerts by DM, Extend) and the audit export (/threadwork audit).",
    unsetMeans: "only workspace admins and owners",
    example: "U012AB3CD,S0123ABCD",
  }),
  variable({
    name: "THREADWORK_APPROVAL_POLICY",
    parse: choice(approvalPolicies, `must be one of ${approvalPolicies.join(", ")}`),
    section: "Who may use Threadwork in Slack",
    description:
      "Who decides approvals and budget extensions: owner-or-approvers (the session's owner or an approver) or approvers-only (only THREADWORK_APPROVERS, never the session's own owner).",
    default: "owner-or-approvers",
    example: "approvers-only",
  }),
  variable({
    name: "THREADWORK_ALLOWED_TEAMS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description:
      "Other workspace (T...) or organization (E...) ids whose users may use Threadwork, comma-separated; by default only the installing workspace's users can.",
    example: "T0123ABCD",
  }),
  variable({
    name: "THREADWORK_ALLOWED_USERS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description:
      "When this or THREADWORK_ALLOWED_USERGROUPS is set, only these user ids may start and steer sessions.",
    unsetMeans: "everyone",
    example: "U012AB3CD,U045EF6GH",
  }),
  variable({
    name: "THREADWORK_ALLOWED_USERGROUPS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description: "User group ids (S...) whose members may start and steer sessions (scope usergroups:read).",
    example: "S0123ABCD",
  }),
  variable({
    name: "THREADWORK_ALLOWED_CHANNELS",
    parse: commaList,
    section: "Who may use Threadwork in Slack",
    description: "When set, sessions start only in these channel ids; a DM counts as its D... id.",
    unsetMeans: "everywhere",
    example: "C0123ABCD,D0456EFGH",
  }),
  variable({
    name: "THREADWORK_FOLLOW_UP_RULE",
    parse: choice(followUpRules, `must be one of ${followUpRules.join(", ")}`),
    section: "Slack",
    description:
      "Which replies in a session's thread start a turn: not-addressed-elsewhere (all but those that @-mention other people and not Threadwork), all, or mentions-only (only those that @-mention Threadwork). The others are kept as quiet context.",
    default: "not-addressed-elsewhere",
    example: "mentions-only",
  }),
] as const;
