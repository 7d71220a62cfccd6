/** What `npm run chat -- …` was given: a Slack session to continue, as whom, and the rest. */
export interface ChatArguments {
  /** `--session <id>`: continue that session (a Slack thread's) at this terminal. */
  session?: string;
  /** `--as <Slack user id>`: who is at this terminal; must be the session's owner. */
  as?: string;
  /** Everything else, for `readCommandLine` (`--help`, or refused). */
  rest: string[];
  /** A flag given without its value. */
  problem?: string;
}

const flags = { "--session": "session", "--as": "as" } as const;

export function readChatArguments(argv: readonly string[]): ChatArguments {
  const result: ChatArguments = { rest: [] };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    const [name = "", inline] = argument.split(/=(.*)/s, 2);
    const field = flags[name as keyof typeof flags];
    if (!field) {
      result.rest.push(argument);
      continue;
    }
    if (inline === undefined) index += 1;
    const value = inline ?? argv[index];
    if (value === undefined || value.trim() === "" || value.startsWith("--")) {
      result.problem = `${name} needs a value: npm run chat -- --session <session id> --as <your Slack user id>`;
      return result;
    }
    result[field] = value.trim();
  }
  return result;
}
