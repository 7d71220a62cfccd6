import { type ChildProcess, spawn } from "node:child_process";
import {
  type JSONRPCMessage,
  ReadBuffer,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/client";

interface ServerProcessOptions {
  command: string;
  args: string[];
  /** The child's whole environment: nothing of the service's is added. */
  environment: Record<string, string>;
  cwd: string;
  /** One JSON-RPC message larger than this closes the connection. */
  maxMessageBytes: number;
  onStderr(chunk: Buffer): void;
}

/** How long a server has to exit after its stdin closes, and then after SIGTERM. */
const exitGraceMs = 1000;

/**
 * A stdio transport that spawns the server with exactly the given environment. The SDK's
 * `StdioClientTransport` always adds HOME, LOGNAME, PATH, SHELL, TERM and USER of the
 * service's own environment to the one it is given.
 */
export class ServerProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private readonly buffer: ReadBuffer;
  private readonly options: ServerProcessOptions;
  private closed = false;

  constructor(options: ServerProcessOptions) {
    this.options = options;
    this.buffer = new ReadBuffer({ maxBufferSize: options.maxMessageBytes });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: this.options.environment,
        cwd: this.options.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
      });
      this.child = child;
      child.once("spawn", () => resolve());
      child.on("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once("close", () => this.finish());
      child.stdin.on("error", (error) => this.onerror?.(error));
      child.stdout.on("error", (error) => this.onerror?.(error));
      child.stderr.on("data", (chunk: Buffer) => this.options.onStderr(chunk));
      child.stdout.on("data", (chunk: Buffer) => {
        try {
          this.buffer.append(chunk);
          this.readMessages();
        } catch (error) {
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
          void this.close();
        }
      });
    });
  }

  private readMessages(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed || stdin.destroyed) {
        reject(new Error("the server's process is not running"));
        return;
      }
      if (stdin.write(serializeMessage(message))) {
        resolve();
        return;
      }
      // A server that exits with its input full must not leave the sender waiting.
      const settle = (error?: Error) => {
        stdin.off("drain", drained);
        stdin.off("close", closed);
        if (error) reject(error);
        else resolve();
      };
      const drained = () => settle();
      const closed = () => settle(new Error("the server's process exited"));
      stdin.once("drain", drained);
      stdin.once("close", closed);
    });
  }

  /** Closes stdin, then SIGTERM, then SIGKILL, each after a short grace; resolves once it exited. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      this.finish();
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const waited = (ms: number) =>
      Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
      ]);
    child.stdin?.end();
    if (!(await waited(exitGraceMs))) {
      child.kill("SIGTERM");
      if (!(await waited(exitGraceMs))) {
        child.kill("SIGKILL");
        await waited(exitGraceMs);
      }
    }
    this.finish();
  }
}
