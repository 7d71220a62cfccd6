/**
 * The commands that bring a worker's branch into a person's own clone, and the one that continues
 * a session at the terminal. They carry names, paths and URLs only: a repository URL is shown
 * without userinfo or credential-like parameters, and tokens never reach a command.
 */

/** What a worker's result says about where its branch can be fetched from. */
export interface BranchSource {
  branch: string;
  commit?: string | undefined;
  /** The repository URL the branch was pushed to, or the path of the working copy holding it. */
  fetchFrom?: string | undefined;
  /** A pull request on a code host; `gh pr checkout <url>` fetches it. */
  pullRequestUrl?: string | undefined;
}

const plainWord = /^[A-Za-z0-9._/:@%+=,-]+$/;

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return plainWord.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A URL without `user:password@`; a local path as it is. */
function withoutCredentials(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location) || !URL.canParse(location)) return location;
  const url = new URL(location);
  url.username = "";
  url.password = "";
  for (const name of [...url.searchParams.keys()]) url.searchParams.delete(name);
  return url.toString();
}

/**
 * `git fetch <source> <branch>:<branch>` creates the local branch at the worker's commit (and
 * refuses to move an existing one that is not behind it), then `git switch` checks it out.
 */
export function branchCommands(source: BranchSource): string[] {
  const commands: string[] = [];
  if (source.pullRequestUrl) commands.push(`gh pr checkout ${shellWord(source.pullRequestUrl)}`);
  if (source.fetchFrom) {
    const branch = shellWord(source.branch);
    commands.push(
      `git fetch ${shellWord(withoutCredentials(source.fetchFrom))} ${shellWord(`${source.branch}:${source.branch}`)} && git switch ${branch}`,
    );
  }
  return commands;
}

/** Whether `fetchFrom` is a path on the machine Threadwork runs on, not a shared remote. */
export function fetchesFromServer(source: BranchSource): boolean {
  return source.fetchFrom !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source.fetchFrom);
}

/** Continues the session at the terminal, as its owner (`docs/slack.md`, "Open locally"). */
export function chatCommand(sessionId: string, ownerId: string): string {
  return `npm run chat -- --session ${shellWord(sessionId)} --as ${shellWord(ownerId)}`;
}
