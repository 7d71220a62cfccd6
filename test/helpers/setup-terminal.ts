import { join, resolve } from "node:path";
import { TmuxTerminal } from "./tmux-terminal.ts";

const root = resolve(import.meta.dirname, "../..");

/** `npm run setup` in `cwd` at a tmux terminal, once it asks for the bot token. */
export async function startSetupAtBotTokenPrompt(
  cwd: string,
  environment: Record<string, string>,
): Promise<TmuxTerminal> {
  const terminal = await TmuxTerminal.start({
    command: [
      join(root, "node_modules/.bin/node"),
      "--import",
      join(root, "src/require-node-24.mjs"),
      join(root, "src/setup.ts"),
    ],
    cwd,
    environment,
    columns: 120,
    rows: 60,
  });
  await terminal.waitForScreen((screen) => screen.includes("Bot User OAuth Token (xoxb-…):"), {
    timeoutMs: 60_000,
    what: "the bot token prompt",
  });
  return terminal;
}
