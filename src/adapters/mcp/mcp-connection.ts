import {
  Client,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import type {
  McpCallResult,
  McpElicitation,
  McpElicitationAnswer,
  McpServerListing,
} from "../../domain/mcp.ts";
import type { Logger } from "../../logger.ts";
import { longestTimerMs, pausableTimer } from "./call-timer.ts";
import { convertAnswer, convertElicitation } from "./convert-elicitation.ts";
import { convertCallResult, convertTool, errorResult } from "./convert-result.ts";
import { McpCallTimeoutError, McpServerUnavailableError } from "./mcp-errors.ts";

interface ActiveCall {
  elicit(request: McpElicitation): Promise<McpElicitationAnswer>;
}

interface CallOptions {
  signal: AbortSignal;
  elicit(request: McpElicitation): Promise<McpElicitationAnswer>;
  timeoutSeconds: number;
}

interface OpenOptions {
  server: string;
  transport: Transport;
  /** Bounds the `initialize` handshake: a server that never answers is a failed start. */
  startTimeoutMs: number;
  logger: Logger;
  /** Takes the server's secrets out of error text before it reaches a log or the model. */
  redact(text: string): string;
  /** Runs once the connection is closed, whoever closed it. */
  onClosed(): void;
}

const clientInfo = { name: "threadwork", version: "1.0.0" };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One agent's connection to one server. Its calls run one at a time, so a server's
 * `elicitation/create` goes to the call in flight (the latest, if a caller overlaps them).
 * Once the transport closes, the connection is dead for good: the next call starts another.
 */
export class McpConnection {
  readonly server: string;
  private readonly client: Client;
  private readonly transport: Transport;
  private readonly logger: Logger;
  private readonly redact: (text: string) => string;
  private readonly calls: ActiveCall[] = [];
  private readonly onDeath = new Set<(error: Error) => void>();
  private closing = false;
  private dead = false;

  private constructor(options: OpenOptions) {
    this.server = options.server;
    this.transport = options.transport;
    this.logger = options.logger;
    this.redact = options.redact;
    this.client = new Client(clientInfo, { capabilities: { elicitation: { form: {}, url: {} } } });
    this.client.setRequestHandler("elicitation/create", async (request) => {
      const call = this.calls.at(-1);
      if (!call) return { action: "decline" };
      return convertAnswer(await call.elicit(convertElicitation(this.server, request.params)));
    });
    this.client.onerror = (error) =>
      this.logger.debug({ error: this.redact(describe(error)) }, "MCP transport error");
    this.client.onclose = () => {
      this.dead = true;
      const error = new McpServerUnavailableError(
        this.server,
        this.closing
          ? "its connection was closed during the call"
          : "it exited during the call; the call was not repeated, and the server starts again on the next call",
      );
      for (const reject of this.onDeath) reject(error);
      this.onDeath.clear();
      options.onClosed();
    };
  }

  /** Connects and runs the handshake; closes the transport when that fails. */
  static async open(options: OpenOptions): Promise<McpConnection> {
    const connection = new McpConnection(options);
    try {
      await connection.client.connect(options.transport, { timeout: options.startTimeoutMs });
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Rejects as soon as the connection dies, instead of waiting on a server that is gone. */
  private whileAlive<T>(work: Promise<T>): { result: Promise<T>; stop(): void } {
    let reject!: (error: Error) => void;
    const death = new Promise<never>((_resolve, rejectDeath) => {
      reject = rejectDeath;
    });
    this.onDeath.add(reject);
    work.catch(() => {});
    return { result: Promise.race([work, death]), stop: () => this.onDeath.delete(reject) };
  }

  async list(timeoutMs: number): Promise<McpServerListing> {
    if (this.dead) throw new McpServerUnavailableError(this.server, "its connection is closed");
    const watched = this.whileAlive(
      this.client.listTools(undefined, { timeout: Math.min(timeoutMs, longestTimerMs) }),
    );
    try {
      const { tools } = await watched.result;
      const instructions = this.client.getInstructions();
      return {
        server: this.server,
        tools: tools.map((tool) => convertTool(this.server, tool)),
        ...(instructions ? { instructions } : {}),
      };
    } catch (error) {
      if (error instanceof McpServerUnavailableError) throw error;
      if (!(error instanceof ProtocolError)) void this.close();
      throw new McpServerUnavailableError(
        this.server,
        `listing its tools failed: ${this.redact(describe(error))}`,
      );
    } finally {
      watched.stop();
    }
  }

  /**
   * One `tools/call`, timed by our own clock (paused while a person is asked) rather than the
   * SDK's, which would fire during a long wait. Stop and the timeout abort the SDK's request,
   * which sends `notifications/cancelled`; Stop rejects at once with the signal's reason.
   */
  async call(tool: string, input: Record<string, unknown>, options: CallOptions): Promise<McpCallResult> {
    options.signal.throwIfAborted();
    if (this.dead) throw new McpServerUnavailableError(this.server, "its connection is closed");
    const request = new AbortController();
    const timeout = new McpCallTimeoutError(this.server, tool, options.timeoutSeconds);
    const timer = pausableTimer(options.timeoutSeconds * 1000, () => request.abort(timeout));
    const call: ActiveCall = {
      elicit: async (elicitation) => {
        timer.pause();
        try {
          return await options.elicit(elicitation);
        } finally {
          timer.resume();
        }
      },
    };
    let stopped!: (reason: unknown) => void;
    const stop = new Promise<never>((_resolve, reject) => {
      stopped = reject;
    });
    const onStop = () => {
      request.abort(options.signal.reason);
      stopped(options.signal.reason);
    };
    options.signal.addEventListener("abort", onStop, { once: true });
    this.calls.push(call);
    const watched = this.whileAlive(
      Promise.race([
        this.client.callTool(
          { name: tool, arguments: input },
          { signal: request.signal, timeout: longestTimerMs },
        ),
        stop,
      ]),
    );
    try {
      return convertCallResult(await watched.result);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (request.signal.aborted) throw timeout;
      if (error instanceof McpServerUnavailableError) throw error;
      // The server answered with an error, or with a result that does not hold: a tool error.
      if (error instanceof ProtocolError) return errorResult(`MCP error ${error.code}: ${error.message}`);
      if (error instanceof SdkError && error.code === SdkErrorCode.InvalidResult)
        return errorResult(error.message);
      // The server cannot be reached (an HTTP server that went away): start afresh next time.
      void this.close();
      throw new McpServerUnavailableError(this.server, `the call failed: ${this.redact(describe(error))}`);
    } finally {
      timer.clear();
      watched.stop();
      options.signal.removeEventListener("abort", onStop);
      this.calls.splice(this.calls.indexOf(call), 1);
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.dead = true;
    try {
      // An HTTP server keeps a session until told it is over.
      if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId !== undefined) {
        await this.transport.terminateSession().catch(() => {});
      }
      await this.client.close();
    } catch (error) {
      this.logger.debug({ error: this.redact(describe(error)) }, "MCP connection did not close cleanly");
    }
  }
}
