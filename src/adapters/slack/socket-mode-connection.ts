import type { Logger } from "../../logger.ts";

type SocketModeState = "connecting" | "connected" | "reconnecting" | "disconnected";

/** What `/healthz` says about Slack: `up` stays true for a short grace while the SDK reconnects. */
export interface SocketModeHealth {
  state: SocketModeState;
  up: boolean;
}

/** The lifecycle events `SocketModeClient` (@slack/socket-mode) emits. */
interface SocketModeEvents {
  on(event: string, listener: (...values: unknown[]) => void): unknown;
}

/** undici reports a connection that ended without a close frame (code 1006) as an error with no message. */
const closedWithoutCloseFrame =
  "the WebSocket closed without a close frame (the network dropped it, or Slack refused the connection)";

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error) || closedWithoutCloseFrame;
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return error.message || cause || closedWithoutCloseFrame;
}

/**
 * Follows the Socket Mode connection: logs a lost connection and each failed attempt with
 * a reason, and the reconnect with how long Slack was unreachable; tells the health check
 * whether Slack events can reach this process.
 */
export class SocketModeConnection {
  private state: SocketModeState = "connecting";
  /** When events last stopped arriving; undefined while connected. */
  private downSince: number | undefined;
  private attempts = 0;
  private everConnected = false;
  private lastError: string | undefined;
  private closing = false;
  private readonly logger: Logger;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(client: SocketModeEvents, logger: Logger, options: { graceMs: number; now?: () => number }) {
    this.logger = logger;
    this.graceMs = options.graceMs;
    this.now = options.now ?? Date.now;
    this.downSince = this.now();
    client.on("connected", () => this.connected());
    client.on("reconnecting", () => this.reconnecting());
    client.on("error", (error) => {
      this.lastError = reasonOf(error);
    });
    client.on("close", () => this.closed());
    client.on("disconnecting", () => {
      this.closing = true;
    });
    client.on("disconnected", () => {
      this.state = "disconnected";
      this.downSince ??= this.now();
    });
  }

  health(): SocketModeHealth {
    const up =
      this.state === "connected" ||
      (this.downSince !== undefined && this.now() - this.downSince < this.graceMs);
    return { state: this.state, up };
  }

  private connected(): void {
    const downSeconds = this.downSince === undefined ? 0 : (this.now() - this.downSince) / 1000;
    if (this.everConnected) {
      this.logger.info(
        { downSeconds: Math.round(downSeconds * 10) / 10, attempts: this.attempts },
        "Slack Socket Mode reconnected",
      );
    } else {
      this.logger.info("Slack Socket Mode connected");
    }
    this.everConnected = true;
    this.state = "connected";
    this.downSince = undefined;
    this.attempts = 0;
    this.lastError = undefined;
  }

  private reconnecting(): void {
    this.attempts += 1;
    this.state = "reconnecting";
    this.logger.debug({ attempt: this.attempts }, "Slack Socket Mode reconnecting");
  }

  private closed(): void {
    const reason = this.lastError;
    this.lastError = undefined;
    if (this.closing) return;
    if (this.state === "connected") {
      this.state = "reconnecting";
      this.downSince = this.now();
      if (reason) this.logger.warn({ reason }, `Slack Socket Mode connection lost: ${reason}; reconnecting`);
      // Slack recycles connections now and then: a clean close is routine.
      else this.logger.info("Slack Socket Mode connection closed by Slack; reconnecting");
      return;
    }
    const downSeconds = Math.round((this.now() - (this.downSince ?? this.now())) / 100) / 10;
    const because = reason ?? closedWithoutCloseFrame;
    this.logger.warn(
      { attempt: this.attempts, downSeconds, reason: because },
      `Slack Socket Mode reconnect attempt ${this.attempts} failed: ${because}; retrying`,
    );
  }
}
