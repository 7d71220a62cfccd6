/**
 * Why a server cannot start for this agent, whatever is retried: a variable that is not set,
 * no workspace for `${workspace}`, a command or path that does not exist, no sandbox. Starting
 * again would fail the same way, so there is no backoff. The message names no secret value.
 */
export class ServerSetupError extends Error {
  override readonly name = "ServerSetupError";
}
