/** A server that could not be started or reached, after its restarts. The message is for the model. */
export class McpServerUnavailableError extends Error {
  override readonly name = "McpServerUnavailableError";
  readonly server: string;
  readonly reason: string;
  constructor(server: string, reason: string) {
    super(`MCP server "${server}" is unavailable: ${reason}`);
    this.server = server;
    this.reason = reason;
  }
}

/** A call that ran past its server's timeout; it was cancelled on the server. */
export class McpCallTimeoutError extends Error {
  override readonly name = "McpCallTimeoutError";
  readonly server: string;
  readonly tool: string;
  constructor(server: string, tool: string, timeoutSeconds: number) {
    super(`MCP tool ${server}/${tool} did not answer within ${timeoutSeconds} s; the call was cancelled.`);
    this.server = server;
    this.tool = tool;
  }
}
