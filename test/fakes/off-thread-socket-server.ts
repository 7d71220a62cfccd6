import { Worker } from "node:worker_threads";

/** A Socket Mode message without its envelope id (`events_api`, `interactive`, `slash_commands`). */
export interface SocketEnvelope {
  type: string;
  accepts_response_payload: boolean;
  payload: Record<string, unknown>;
  retry_attempt?: number;
  retry_reason?: string;
}

export type OffThreadSocketCommand =
  | { type: "send"; id: number; delayMs: number; envelope: SocketEnvelope }
  | { type: "close" };

export type OffThreadSocketReport =
  | { type: "listening"; port: number }
  | { type: "connected" }
  /** `ms`: from writing the envelope to reading its ack, timed on the server's thread. */
  | { type: "ack"; id: number; ms: number; payload: unknown }
  | { type: "closed" };

export interface SocketAck {
  ms: number;
  payload: unknown;
}

/**
 * The WebSocket side of Slack's Socket Mode on its own thread, so a test can block its main
 * thread and still time when an ack arrives. Point `FakeSlackServer.socketModeUrl` at `url`.
 */
export class OffThreadSocketServer {
  private readonly worker = new Worker(new URL("./off-thread-socket-server-worker.ts", import.meta.url), {
    execArgv: [],
  });
  private readonly waiting = new Map<number, (ack: SocketAck) => void>();
  private counter = 0;
  private port = 0;
  connections = 0;

  private constructor() {
    this.worker.on("message", (report: OffThreadSocketReport) => {
      if (report.type === "connected") this.connections += 1;
      else if (report.type === "ack") {
        this.waiting.get(report.id)?.({ ms: report.ms, payload: report.payload });
        this.waiting.delete(report.id);
      }
    });
  }

  static async start(): Promise<OffThreadSocketServer> {
    const server = new OffThreadSocketServer();
    server.port = await new Promise<number>((resolve) => {
      server.worker.on("message", (report: OffThreadSocketReport) => {
        if (report.type === "listening") resolve(report.port);
      });
    });
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/socket-mode`;
  }

  /** Writes the envelope after `delayMs` (so the test can block its thread first); resolves with its ack. */
  send(envelope: SocketEnvelope, delayMs = 0): Promise<SocketAck> {
    this.counter += 1;
    const id = this.counter;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ type: "send", id, delayMs, envelope } satisfies OffThreadSocketCommand);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.worker.on("message", (report: OffThreadSocketReport) => {
        if (report.type === "closed") resolve();
      });
      this.worker.postMessage({ type: "close" } satisfies OffThreadSocketCommand);
    });
    await this.worker.terminate();
  }
}
