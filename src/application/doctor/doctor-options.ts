import { parseArgs } from "node:util";

export const doctorUsage = `Usage: npm run doctor [-- --help]

Checks a deployment and prints a checklist, each problem with its fix: the configuration
(.env and threadwork.config.json), the Slack tokens and their scopes, the model providers,
the repositories, Node and the command sandbox, the database and its migrations, and each
MCP server. Exits 1 when anything is wrong, 0 when all is well.

  --help, -h  this text (no checks run)
`;

/** What the command line asks: the help, or the checks; anything else is refused with a reason. */
export function readDoctorOptions(argv: readonly string[]): { help: boolean } | { problem: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { help: values.help === true };
  } catch (error) {
    return { problem: `${(error as Error).message}; npm run doctor -- --help lists the options` };
  }
}
