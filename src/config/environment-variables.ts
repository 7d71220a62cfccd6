/**
 * Every environment variable Threadwork reads, described once: its name, parser, default,
 * description and whether it is secret. The schema (src/config/environment-schema.ts) is built
 * from this table, `--help` prints it, `.env.example` is generated from it (`npm run
 * config:env-example`; a test fails when they differ), configuration errors quote each variable's
 * example, and secret variables never reach repository code (src/config/service-credentials.ts).
 */
import type { EnvironmentVariable } from "./environment-variable.ts";
import { generalVariables } from "./variables/general.ts";
import { modelAndLimitVariables } from "./variables/models-and-limits.ts";
import { observabilityVariables } from "./variables/observability.ts";
import { repositoryVariables } from "./variables/repositories.ts";
import { slackVariables } from "./variables/slack.ts";
import { slackInstallVariables } from "./variables/slack-install.ts";
import { spendLimitVariables } from "./variables/spend-limits.ts";

/** The variables the schema parses, in the order of the sections. */
export const parsedVariables = [
  ...generalVariables,
  ...modelAndLimitVariables,
  ...spendLimitVariables,
  ...repositoryVariables,
  ...slackVariables,
  ...slackInstallVariables,
] as const;

export const environmentVariables: readonly EnvironmentVariable[] = [
  ...parsedVariables,
  ...observabilityVariables,
];

const byName = new Map(environmentVariables.map((entry) => [entry.name, entry]));

export function environmentVariable(name: string): EnvironmentVariable | undefined {
  return byName.get(name);
}
