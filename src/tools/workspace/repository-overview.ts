import { z } from "zod";
import type { RepositoryOverview } from "../../adapters/git/repository-overview.ts";
import { errorMessage, ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { capText } from "../../domain/tool-output.ts";

export interface RepositoryOverviewDependencies {
  repositoryNames(): string[];
  /** Usually `workspaceManager.repositoryOverview`. */
  overviewOf(repoName: string): Promise<RepositoryOverview>;
}

const readmeLines = 60;
const readmeCharacters = 4_000;
const instructionCharacters = 8_000;

function readmeHead(text: string): string {
  const lines = text.split("\n");
  const head = lines.slice(0, readmeLines).join("\n");
  const more = lines.length > readmeLines ? `\n[… ${lines.length - readmeLines} more lines]` : "";
  return `${capText(head, readmeCharacters)}${more}`;
}

/** The overview as the supervisor reads it; bounded to about 16 KB whatever the repository holds. */
export function overviewText(overview: RepositoryOverview): string {
  const hidden = overview.layoutTotal - overview.layout.length;
  const notes = [
    ...(hidden > 0 ? [`${hidden} more entries not shown`] : []),
    ...(overview.layoutCut ? [overview.layoutCut] : []),
  ];
  return [
    `Repository ${overview.repoName}: default branch ${overview.defaultBranch}, commit ${overview.commit.slice(0, 12)}.`,
    `\nLayout (two levels${notes.map((note) => `, ${note}`).join("")}):`,
    overview.layout.map((path) => `  ${path}`).join("\n") || "  (empty)",
    overview.readme
      ? `\n${overview.readme.path} (head):\n${readmeHead(overview.readme.text)}`
      : "\nNo README.",
    overview.instructions
      ? `\n${overview.instructions.path} (the repository's instructions for agents; workers get it too):\n${capText(overview.instructions.text, instructionCharacters)}`
      : "\nNo AGENTS.md, CLAUDE.md or .github/copilot-instructions.md.",
  ].join("\n");
}

/** The supervisor's look at a repository before it plans work there; read from the mirror, no workspace. */
export function repositoryOverviewTool(dependencies: RepositoryOverviewDependencies) {
  return defineTool({
    name: "repository_overview",
    description:
      "Look at a configured repository before planning work on it: its layout (two levels), the head of its README and its AGENTS.md (or CLAUDE.md). Read-only.",
    input: z.object({ repo: z.string().min(1).max(200) }),
    risk: "safe",
    async execute(input) {
      const names = dependencies.repositoryNames();
      if (!names.includes(input.repo)) {
        throw new ToolError(`Unknown repository "${input.repo}". Known: ${names.join(", ") || "none"}.`);
      }
      try {
        return overviewText(await dependencies.overviewOf(input.repo));
      } catch (error) {
        throw new ToolError(`Could not read ${input.repo}: ${errorMessage(error)}`);
      }
    },
  });
}
