import type { z } from "zod";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { environmentVariable } from "./environment-variables.ts";

const longestShownValue = 80;

function quoted(value: string): string {
  const shown = value.length > longestShownValue ? `${value.slice(0, longestShownValue)}…` : value;
  return JSON.stringify(shown);
}

/**
 * One line per refused value: the variable, what is wrong, the value itself unless it is a
 * credential, and a good value, e.g.
 * `PORT must be a whole number from 1 to 65,535, not "abc", e.g. PORT=3000`.
 */
export function describeEnvironmentIssues(
  issues: readonly z.core.$ZodIssue[],
  source: Record<string, string | undefined>,
): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const name = String(issue.path[0] ?? "environment");
    const variable = environmentVariable(name);
    const params = (issue.code === "custom" ? issue.params : undefined) as
      | { showValue?: boolean; example?: string }
      | undefined;
    const value = source[name]?.trim();
    const shown =
      params?.showValue !== false && variable?.secret !== true && value ? `, not ${quoted(value)}` : "";
    const example = params?.example ?? variable?.example;
    const line = `${name} ${issue.message}${shown}${example === undefined ? "" : `, e.g. ${name}=${example}`}`;
    problems.push(redactSecrets(line));
  }
  return [...new Set(problems)];
}
