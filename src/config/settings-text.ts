import { type EnvironmentVariable, environmentSections } from "./environment-variable.ts";
import { environmentVariables } from "./environment-variables.ts";

const width = 100;

/** Words of `text` in lines of at most `columns` characters (a longer word gets its own line). */
function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    if (line !== "" && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function defaultOf(variable: EnvironmentVariable): string | undefined {
  return "default" in variable ? variable.default : undefined;
}

function explanation(variable: EnvironmentVariable): string {
  const unset = defaultOf(variable) ?? variable.unsetMeans;
  return unset === undefined ? variable.description : `${variable.description} Default: ${unset}.`;
}

function inSection(section: string): EnvironmentVariable[] {
  return environmentVariables.filter((variable) => variable.section === section);
}

/** The text of `.env.example`, generated from the table by `npm run config:env-example`. */
export function renderEnvExample(): string {
  const parts = [
    "# Threadwork configuration. Copy to .env and fill in what you need: npm start, npm run chat,",
    "# npm run doctor and npm run db:migrate read it (variables already set in the environment win).",
    "# Generated from src/config/environment-variables.ts by `npm run config:env-example`;",
    "# `npm start -- --help` prints the same. Empty values count as unset. Write values as they are,",
    "# without quotes: spaces, commas and JSON are fine. A # starts a comment, so put a value that holds",
    "# one in single quotes: NAME='a#b'.",
  ];
  for (const section of environmentSections) {
    parts.push("", `# --- ${section} ---`);
    for (const variable of inSection(section)) {
      for (const line of wrapText(explanation(variable), width - 2)) parts.push(`# ${line}`);
      parts.push(`${variable.name}=${defaultOf(variable) ?? ""}`);
    }
  }
  return `${parts.join("\n")}\n`;
}

export type EntryPoint = "start" | "chat" | "migrate";

const usages: Record<EntryPoint, { command: string; summary: string }> = {
  start: {
    command: "npm start",
    summary:
      "Runs Threadwork: the Slack app (Socket Mode or HTTP) and the agents. Needs a model provider and the Slack settings.",
  },
  chat: {
    command: "npm run chat",
    summary:
      "Talks to Threadwork at the terminal, without Slack: the same supervisor, sub-agents and repositories. Needs a model provider. THREADWORK_CHAT names the conversation (default: default). --session <id> --as <your Slack user id> continues a Slack session here as its owner (its results message shows the command).",
  },
  migrate: {
    command: "npm run db:migrate",
    summary: "Applies the database migrations to DATABASE_URL, or to the embedded database.",
  },
};

export function usageCommand(entryPoint: EntryPoint): string {
  return usages[entryPoint].command;
}

const nameColumn = Math.max(...environmentVariables.map((variable) => variable.name.length)) + 4;

/** What `--help` prints: usage, where settings come from, and every variable by section. */
export function renderHelp(entryPoint: EntryPoint): string {
  const usage = usages[entryPoint];
  const lines = [
    `Usage: ${usage.command} [-- --help]`,
    "",
    ...wrapText(usage.summary, width),
    "",
    ...wrapText(
      "Settings come from environment variables; the npm scripts also read ./.env (copy .env.example). Empty values count as unset. Per-repository settings, MCP servers, prices and context windows can also go in threadwork.config.json (docs/configuration.md).",
      width,
    ),
  ];
  for (const section of environmentSections) {
    lines.push("", `${section}:`);
    for (const variable of inSection(section)) {
      const text = wrapText(explanation(variable), width - nameColumn - 2);
      text.forEach((line, index) => {
        const label = index === 0 ? variable.name : "";
        lines.push(`  ${label.padEnd(nameColumn)}${line}`);
      });
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `--help` or `-h` among the arguments; anything else is reported as unknown. */
export function readArguments(argv: readonly string[]): { help: boolean; unknown: string[] } {
  const help = argv.some((argument) => argument === "--help" || argument === "-h");
  return { help, unknown: argv.filter((argument) => argument !== "--help" && argument !== "-h") };
}
