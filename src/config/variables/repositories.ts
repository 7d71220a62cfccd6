import {
  choice,
  commaList,
  duration,
  flag,
  positiveNumber,
  repositoryList,
  text,
  wholeNumber,
  withDefault,
} from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

const sandboxModes = ["required", "auto", "bwrap", "off"] as const;

/** `auto` and `bwrap` are older spellings of `required`: a missing sandbox never falls back silently. */
const sandboxMode = choice(sandboxModes, "must be required or off").transform(
  (value): "required" | "off" | undefined =>
    value === undefined ? undefined : value === "off" ? "off" : "required",
);

/** The repositories, the workspaces and commands agents work in, and how the service stops. */
export const repositoryVariables = [
  variable({
    name: "THREADWORK_REPOS",
    parse: withDefault(repositoryList, []),
    section: "Repositories and workspaces",
    description:
      "Repositories agents can work in, as comma-separated name=url pairs; a url is an https git URL or a local path to a git repository. Each is checked at start.",
    example: "web=https://github.com/acme/web.git,api=/srv/git/api",
  }),
  variable({
    name: "THREADWORK_DEFAULT_REPO",
    parse: text,
    section: "Repositories and workspaces",
    description: "The repository agents use when none is named; one of THREADWORK_REPOS.",
    example: "web",
  }),
  variable({
    name: "GIT_TOKEN",
    parse: text,
    section: "Repositories and workspaces",
    description: "Token for https clone, fetch and push (any git host); kept in-process, never in a command.",
    example: "ghp_...",
    secret: true,
  }),
  variable({
    name: "GITHUB_TOKEN",
    parse: text,
    section: "Repositories and workspaces",
    description: "GitHub token for opening draft pull requests on GitHub remotes.",
    example: "ghp_...",
    secret: true,
  }),
  variable({
    name: "THREADWORK_ALLOW_COMMANDS",
    parse: commaList,
    section: "Repositories and workspaces",
    description: "Commands that run without approval while the sandbox is active, comma-separated.",
    example: "npm test,npm run lint",
  }),
  variable({
    name: "THREADWORK_SANDBOX",
    parse: sandboxMode,
    section: "Repositories and workspaces",
    description:
      "Command sandbox: required (bubblewrap; without it run_command refuses) or off (commands can read every secret of the service; logged as a warning). auto and bwrap mean required. See docs/sandbox.md.",
    default: "required",
    example: "required",
  }),
  variable({
    name: "THREADWORK_COMMAND_CPU_SECONDS",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description: "CPU seconds per command process.",
    default: "600",
    example: "600",
  }),
  variable({
    name: "THREADWORK_COMMAND_MEMORY_MB",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description: "Writable memory per command process, in MiB.",
    default: "2048",
    example: "2048",
  }),
  variable({
    name: "THREADWORK_COMMAND_MAX_PROCESSES",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description: "Processes per command (not enforced when the service runs as root).",
    default: "256",
    example: "256",
  }),
  variable({
    name: "THREADWORK_COMMAND_MAX_FILE_MB",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description: "Largest file a command may write, in MiB.",
    default: "1024",
    example: "1024",
  }),
  variable({
    name: "THREADWORK_WORKSPACE_QUOTA_MB",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description: "Disk quota of one workspace with its home and private /tmp, in MiB.",
    default: "5120",
    example: "5120",
  }),
  variable({
    name: "THREADWORK_PUSH",
    parse: flag,
    section: "Repositories and workspaces",
    description: "Push finished branches to the remote: true or false (also 1/0, yes/no, on/off).",
    default: "true",
    example: "false",
  }),
  variable({
    name: "THREADWORK_WORKSPACE_TTL",
    parse: duration,
    section: "Repositories and workspaces",
    description: "How long workspaces of finished sessions are kept: 90s, 30m, 12h, 7d or plain seconds.",
    default: "7d",
    example: "3d",
  }),
  variable({
    name: "THREADWORK_SETUP_CACHE_TTL",
    parse: duration,
    section: "Repositories and workspaces",
    description:
      "How long what a setup produced is restored into new workspaces after it was stored, however often it is restored: 12h, 7d or plain seconds.",
    default: "7d",
    example: "1d",
  }),
  // Must stay below the platform's kill timeout (fly.toml `kill_timeout`, 30 s).
  variable({
    name: "THREADWORK_SHUTDOWN_SECONDS",
    parse: positiveNumber,
    section: "Shutdown",
    description:
      "Seconds from SIGTERM to exit: running steps finish or are interrupted (and resumed by the next instance), pending Slack updates are sent. Keep it below the platform's kill timeout (fly.toml kill_timeout is 30s).",
    default: "25",
    example: "25",
  }),
  variable({
    name: "GITHUB_WEBHOOK_SECRET",
    parse: text,
    section: "Repositories and workspaces",
    description:
      "Secret of the GitHub webhook that reports checks and reviews on Threadwork's pull requests, served at POST /github/events; unset, the route answers 404. See docs/github.md.",
    example: "a-long-random-string",
    secret: true,
  }),
  variable({
    name: "THREADWORK_GITHUB_AUTOFIX",
    parse: choice(["off", "on"] as const, "must be off or on"),
    section: "Repositories and workspaces",
    description:
      "Whether a failed check on a pull request Threadwork opened wakes its session to fix it; a repository's autofix setting in the configuration file overrides it.",
    default: "on",
    example: "on",
  }),
  variable({
    name: "THREADWORK_GITHUB_AUTOFIX_ATTEMPTS",
    parse: wholeNumber(),
    section: "Repositories and workspaces",
    description:
      "Fix attempts per pull request for failed checks; the next failure is reported in the thread instead.",
    default: "2",
    example: "2",
  }),
] as const;
