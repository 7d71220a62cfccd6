/**
 * Every environment variable Threadwork reads, documented once: `--help` prints this table,
 * `.env.example` is generated from it (`npm run config:env-example`; a test fails when they
 * differ), and configuration errors quote each variable's example. The parsing itself is the
 * schema in src/config.ts; a test checks both name the same variables.
 */

export const environmentSections = [
  "General",
  "Storage",
  "Configuration file",
  "Model providers",
  "Limits",
  "Repositories and workspaces",
  "Shutdown",
  "Slack",
  "Who may use Threadwork in Slack",
  "Observability",
] as const;

export type EnvironmentSection = (typeof environmentSections)[number];

export interface EnvironmentVariable {
  name: string;
  section: EnvironmentSection;
  /** What the variable does; `--help` and `.env.example` print it above or beside the name. */
  description: string;
  /** What applies when it is unset, in words; absent when unset means "none". */
  defaultText?: string;
  /** The value `.env.example` starts with; empty means unset. */
  initial?: string;
  /** A good value, quoted by configuration errors. */
  example: string;
  /** A credential: never echoed back in a message. */
  secret?: boolean;
  /** Read elsewhere than the schema in src/config.ts, e.g. by the OpenTelemetry exporter. */
  readBy?: string;
}

export const environmentVariables: readonly EnvironmentVariable[] = [
  {
    name: "NODE_ENV",
    section: "General",
    description: "production logs JSON lines; development logs pretty lines; test behaves like production.",
    defaultText: "development",
    initial: "development",
    example: "production",
  },
  {
    name: "LOG_LEVEL",
    section: "General",
    description: "fatal, error, warn, info, debug, trace or silent.",
    defaultText: "info",
    initial: "info",
    example: "debug",
  },
  {
    name: "DATABASE_URL",
    section: "Storage",
    description:
      "A postgres:// URL (PostgreSQL 15+). Unset: the embedded PGlite database under THREADWORK_DATA_DIR.",
    example: "postgres://threadwork@db.internal:5432/threadwork",
    secret: true,
  },
  {
    name: "THREADWORK_DATA_DIR",
    section: "Storage",
    description: "Holds the embedded database (pgdata/), the workspaces and the chat log.",
    defaultText: "./.threadwork",
    initial: "./.threadwork",
    example: "/data",
  },
  {
    name: "THREADWORK_CONFIG",
    section: "Configuration file",
    description:
      "The configuration file: repository settings, prices and context windows, never secrets. When set, the file must exist. See threadwork.config.example.json and docs/configuration.md.",
    defaultText: "./threadwork.config.json when it exists",
    example: "/etc/threadwork/threadwork.config.json",
  },
  {
    name: "ANTHROPIC_API_KEY",
    section: "Model providers",
    description:
      "Anthropic API key (sk-ant-...). npm start and npm run chat need a provider: this, OPENAI_API_KEY or OPENAI_BASE_URL.",
    example: "sk-ant-...",
    secret: true,
  },
  {
    name: "ANTHROPIC_BASE_URL",
    section: "Model providers",
    description: "Anthropic API base URL, e.g. a proxy.",
    defaultText: "https://api.anthropic.com",
    example: "https://anthropic-proxy.internal",
  },
  {
    name: "OPENAI_API_KEY",
    section: "Model providers",
    description: "OpenAI API key (sk-...). Optional for a local OpenAI-compatible server.",
    example: "sk-...",
    secret: true,
  },
  {
    name: "OPENAI_BASE_URL",
    section: "Model providers",
    description:
      "OpenAI-compatible base URL: vLLM, Ollama (http://127.0.0.1:11434/v1), llama.cpp. Alone, it counts as a provider; with no model named, start-up uses the server's model when it serves exactly one.",
    defaultText: "https://api.openai.com/v1",
    example: "http://127.0.0.1:11434/v1",
  },
  {
    name: "THREADWORK_SUPERVISOR_MODEL",
    section: "Model providers",
    description:
      "The supervisor's model as provider:model; the providers are anthropic and openai (any OpenAI-compatible server, Ollama included).",
    defaultText: "by the key that is set: anthropic:claude-sonnet-5-5 or openai:gpt-6-sol",
    example: "anthropic:claude-sonnet-5-5",
  },
  {
    name: "THREADWORK_WORKER_MODEL",
    section: "Model providers",
    description: "The sub-agents' model as provider:model.",
    defaultText: "by the key that is set: anthropic:claude-haiku-5-5 or openai:gpt-6-sol-mini",
    example: "openai:qwen3",
  },
  {
    name: "THREADWORK_STRONG_MODEL",
    section: "Model providers",
    description: "The model for sub-agents spawned with tier strong, as provider:model.",
    defaultText: "the supervisor's",
    example: "anthropic:claude-opus-5",
  },
  {
    name: "THREADWORK_PRICES",
    section: "Model providers",
    description:
      "Price overrides as JSON, US dollars per million tokens (input, output, optional cacheRead and cacheWrite).",
    defaultText: "the built-in table",
    example: '{"openai:qwen3": {"input": 0, "output": 0}}',
  },
  {
    name: "THREADWORK_CONTEXT_WINDOWS",
    section: "Model providers",
    description:
      "Context windows in tokens as JSON, over the built-in table beside the prices (unknown models get 128,000). Transcripts nearing the window are compacted.",
    defaultText: "the built-in table",
    example: '{"openai:qwen3-coder": 32768}',
  },
  {
    name: "THREADWORK_MAX_CONCURRENT_AGENTS",
    section: "Limits",
    description: "Agents running at once, across all sessions.",
    defaultText: "16",
    initial: "16",
    example: "16",
  },
  {
    name: "THREADWORK_MAX_AGENTS_PER_SESSION",
    section: "Limits",
    description:
      "Live (queued, running or waiting) sub-agents one session may have; a spawn past it is refused.",
    defaultText: "6",
    initial: "6",
    example: "6",
  },
  {
    name: "THREADWORK_MAX_TURNS",
    section: "Limits",
    description: "Model turns one agent may take.",
    defaultText: "80",
    initial: "80",
    example: "80",
  },
  {
    name: "THREADWORK_AGENT_TIMEOUT",
    section: "Limits",
    description: "How long one agent may run: 90s, 30m, 12h, 7d or plain seconds.",
    defaultText: "1h",
    initial: "1h",
    example: "2h",
  },
  {
    name: "THREADWORK_SESSION_BUDGET_USD",
    section: "Limits",
    description: "Spend per session in US dollars before a human must extend it.",
    defaultText: "no budget",
    example: "5",
  },
  {
    name: "THREADWORK_SESSION_BUDGET_TOKENS",
    section: "Limits",
    description: "Tokens per session before a human must extend it.",
    defaultText: "no budget",
    example: "2000000",
  },
  {
    name: "THREADWORK_NON_OWNER_REPLY_WINDOW",
    section: "Limits",
    description:
      "Thread replies from people other than a session's owner start at most one supervisor turn per session and per person in this time; the others are kept and read with the next turn. 0 turns the limit off.",
    defaultText: "10m",
    initial: "10m",
    example: "10m",
  },
  {
    name: "THREADWORK_REPOS",
    section: "Repositories and workspaces",
    description:
      "Repositories agents can work in, as comma-separated name=url pairs; a url is an https git URL or a local path to a git repository. Each is checked at start.",
    example: "web=https://github.com/acme/web.git,api=/srv/git/api",
  },
  {
    name: "THREADWORK_DEFAULT_REPO",
    section: "Repositories and workspaces",
    description: "The repository agents use when none is named; one of THREADWORK_REPOS.",
    example: "web",
  },
  {
    name: "GIT_TOKEN",
    section: "Repositories and workspaces",
    description: "Token for https clone, fetch and push (any git host); kept in-process, never in a command.",
    example: "ghp_...",
    secret: true,
  },
  {
    name: "GITHUB_TOKEN",
    section: "Repositories and workspaces",
    description: "GitHub token for opening draft pull requests on GitHub remotes.",
    example: "ghp_...",
    secret: true,
  },
  {
    name: "THREADWORK_ALLOW_COMMANDS",
    section: "Repositories and workspaces",
    description: "Commands that run without approval while the sandbox is active, comma-separated.",
    example: "npm test,npm run lint",
  },
  {
    name: "THREADWORK_SANDBOX",
    section: "Repositories and workspaces",
    description:
      "Command sandbox: required (bubblewrap; without it run_command refuses) or off (commands can read every secret of the service; logged as a warning). auto and bwrap mean required. See docs/sandbox.md.",
    defaultText: "required",
    initial: "required",
    example: "required",
  },
  {
    name: "THREADWORK_COMMAND_CPU_SECONDS",
    section: "Repositories and workspaces",
    description: "CPU seconds per command process.",
    defaultText: "600",
    initial: "600",
    example: "600",
  },
  {
    name: "THREADWORK_COMMAND_MEMORY_MB",
    section: "Repositories and workspaces",
    description: "Writable memory per command process, in MiB.",
    defaultText: "2048",
    initial: "2048",
    example: "2048",
  },
  {
    name: "THREADWORK_COMMAND_MAX_PROCESSES",
    section: "Repositories and workspaces",
    description: "Processes per command (not enforced when the service runs as root).",
    defaultText: "256",
    initial: "256",
    example: "256",
  },
  {
    name: "THREADWORK_COMMAND_MAX_FILE_MB",
    section: "Repositories and workspaces",
    description: "Largest file a command may write, in MiB.",
    defaultText: "1024",
    initial: "1024",
    example: "1024",
  },
  {
    name: "THREADWORK_WORKSPACE_QUOTA_MB",
    section: "Repositories and workspaces",
    description: "Disk quota of one workspace with its home and private /tmp, in MiB.",
    defaultText: "5120",
    initial: "5120",
    example: "5120",
  },
  {
    name: "THREADWORK_PUSH",
    section: "Repositories and workspaces",
    description: "Push finished branches to the remote: true or false (also 1/0, yes/no, on/off).",
    defaultText: "true",
    initial: "true",
    example: "false",
  },
  {
    name: "THREADWORK_WORKSPACE_TTL",
    section: "Repositories and workspaces",
    description: "How long workspaces of finished sessions are kept: 90s, 30m, 12h, 7d or plain seconds.",
    defaultText: "7d",
    initial: "7d",
    example: "3d",
  },
  {
    name: "THREADWORK_SETUP_CACHE_TTL",
    section: "Repositories and workspaces",
    description:
      "How long what a setup produced is restored into new workspaces after it was stored, however often it is restored: 12h, 7d or plain seconds.",
    defaultText: "7d",
    initial: "7d",
    example: "1d",
  },
  {
    name: "THREADWORK_SHUTDOWN_SECONDS",
    section: "Shutdown",
    description:
      "Seconds from SIGTERM to exit: running steps finish or are interrupted (and resumed by the next instance), pending Slack updates are sent. Keep it below the platform's kill timeout (fly.toml kill_timeout is 30s).",
    defaultText: "25",
    initial: "25",
    example: "25",
  },
  {
    name: "SLACK_BOT_TOKEN",
    section: "Slack",
    description: "Bot token (xoxb-...) from the app's OAuth & Permissions page. Required by npm start.",
    example: "xoxb-...",
    secret: true,
  },
  {
    name: "SLACK_SIGNING_SECRET",
    section: "Slack",
    description: "HTTP mode: verifies requests to POST /slack/events. Set this or SLACK_APP_TOKEN.",
    example: "8f14e45fceea167a5a36dedd4bea2543",
    secret: true,
  },
  {
    name: "SLACK_APP_TOKEN",
    section: "Slack",
    description:
      "Socket Mode app-level token (xapp-...) with connections:write. Set this or SLACK_SIGNING_SECRET.",
    example: "xapp-...",
    secret: true,
  },
  {
    name: "SLACK_API_URL",
    section: "Slack",
    description: "Slack Web API base URL override, for GovSlack or a fake Slack in tests.",
    defaultText: "https://slack.com/api/",
    example: "https://slack-gov.com/api/",
  },
  {
    name: "PORT",
    section: "Slack",
    description: "HTTP port: POST /slack/events in HTTP mode, GET /healthz and GET /metrics in both modes.",
    defaultText: "3000",
    initial: "3000",
    example: "3000",
  },
  {
    name: "THREADWORK_CODE_CHANNELS",
    section: "Slack",
    description:
      "Slack Code: a code channel per session that puts sub-agents to work on a repository (true or false). Needs the app's code channel settings: docs/slack.md#code-channels.",
    defaultText: "false",
    initial: "false",
    example: "true",
  },
  {
    name: "THREADWORK_APPROVERS",
    section: "Who may use Threadwork in Slack",
    description: "Slack user ids that may decide approvals and budgets in any session, comma-separated.",
    example: "U012AB3CD,U045EF6GH",
  },
  {
    name: "THREADWORK_APPROVAL_POLICY",
    section: "Who may use Threadwork in Slack",
    description:
      "Who decides approvals and budget extensions: owner-or-approvers (the session's owner or an approver) or approvers-only (only THREADWORK_APPROVERS, never the session's own owner).",
    defaultText: "owner-or-approvers",
    initial: "owner-or-approvers",
    example: "approvers-only",
  },
  {
    name: "THREADWORK_ALLOWED_TEAMS",
    section: "Who may use Threadwork in Slack",
    description:
      "Other workspace (T...) or organization (E...) ids whose users may use Threadwork, comma-separated; by default only the installing workspace's users can.",
    example: "T0123ABCD",
  },
  {
    name: "THREADWORK_ALLOWED_USERS",
    section: "Who may use Threadwork in Slack",
    description:
      "When this or THREADWORK_ALLOWED_USERGROUPS is set, only these user ids may start and steer sessions.",
    defaultText: "everyone",
    example: "U012AB3CD,U045EF6GH",
  },
  {
    name: "THREADWORK_ALLOWED_USERGROUPS",
    section: "Who may use Threadwork in Slack",
    description: "User group ids (S...) whose members may start and steer sessions (scope usergroups:read).",
    example: "S0123ABCD",
  },
  {
    name: "THREADWORK_ALLOWED_CHANNELS",
    section: "Who may use Threadwork in Slack",
    description: "When set, sessions start only in these channel ids; a DM counts as its D... id.",
    defaultText: "everywhere",
    example: "C0123ABCD,D0456EFGH",
  },
  {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    section: "Observability",
    description:
      "Traces: an OTLP/HTTP collector (port 4318); Threadwork adds /v1/traces (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT gives the full URL instead). Unset: no tracing, and the OpenTelemetry SDK is never loaded.",
    example: "http://127.0.0.1:4318",
    readBy: "src/config/telemetry-config.ts",
  },
  {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    section: "Observability",
    description:
      "Headers for the collector, read by the exporter and never logged, e.g. authorization=Bearer%20token for a hosted collector.",
    example: "authorization=Bearer%20token",
    secret: true,
    readBy: "the OpenTelemetry exporter",
  },
  {
    name: "OTEL_SERVICE_NAME",
    section: "Observability",
    description: "The service.name of the spans.",
    defaultText: "threadwork",
    example: "threadwork-staging",
    readBy: "src/config/telemetry-config.ts",
  },
];

const byName = new Map(environmentVariables.map((variable) => [variable.name, variable]));

export function environmentVariable(name: string): EnvironmentVariable | undefined {
  return byName.get(name);
}
