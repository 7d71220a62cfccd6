import { type CheckOutcome, describeCheckOutcome } from "../../domain/environment.ts";
import type { DiffStats } from "./working-copy.ts";

/** A finished branch's draft pull request: the commit message, the diff stats, and the check. */
export function pullRequestBody(message: string, stats: DiffStats, check: CheckOutcome | undefined): string {
  return [
    message,
    `${stats.files} files changed, +${stats.insertions} -${stats.deletions}. Opened by Threadwork.`,
    ...(check ? [pullRequestCheckSection(check)] : []),
  ].join("\n\n");
}

/**
 * The check's line in a pull request body, with the end of the output when it did not
 * pass. The output is the repository's (and the agent's) text: a longer fence than any
 * run of backticks in it keeps it inside, and `@` cannot mention anyone.
 */
export function pullRequestCheckSection(check: CheckOutcome): string {
  const line = `Check \`${check.command.replaceAll("`", "'")}\`: ${describeCheckOutcome(check)}.`;
  if (check.status === "passed") return line;
  const text = check.summary.replaceAll("@", "@\u200b");
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${line}\n\n${fence}\n${text}\n${fence}`;
}
