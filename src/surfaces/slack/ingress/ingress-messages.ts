// What the ingress workers (HTTP and Socket Mode) and the main thread say to each other. Plain data: every message
// crosses the thread boundary by structured clone.

import type { AddressInfo } from "node:net";
import type { HttpAnswer } from "../http-answer.ts";

export type ListenOptions = number | { port: number; host?: string };

/** Given to the worker at start; the signing secret never travels any other way. */
export interface IngressWorkerData {
  signingSecret: string;
  endpoint: string;
  listen: ListenOptions;
  /** Custom GET routes the main thread answers, e.g. `/healthz`. */
  routes: string[];
  /** POST routes whose raw body and headers the main thread answers, e.g. `/github/events`. */
  webhooks: string[];
  /** GET pages whose URL and headers the main thread answers, e.g. `/slack/install`. */
  pages?: string[];
  /** How long a custom route waits for the main thread before answering 503. */
  routeTimeoutMs: number;
  /** Whether the main thread writes debug lines; when not, the worker does not send them. */
  debug: boolean;
}

/** Given to the Socket Mode worker at start; the app token never travels any other way. */
export interface SocketModeWorkerData {
  appToken: string;
  /** The WebClient's options for `apps.connections.open`, without its logger. */
  clientOptions: Record<string, unknown>;
  clientPingTimeoutMs: number | undefined;
  debug: boolean;
}

/** The `SocketModeClient` lifecycle events the main thread follows for logs and `/healthz`. */
export const socketLifecycle = [
  "connecting",
  "connected",
  "reconnecting",
  "error",
  "close",
  "disconnecting",
  "disconnected",
] as const;
export type SocketLifecycle = (typeof socketLifecycle)[number];

/** An error's words as they cross the thread boundary. */
export interface ErrorWords {
  message: string;
  cause: string | undefined;
}

/** An incoming Slack request, as Bolt's receiver hands it to `App.processEvent` (without `ack`). */
export interface ForwardedRequest {
  body: Record<string, unknown>;
  retryNum: number | undefined;
  retryReason: string | undefined;
  customProperties: Record<string, unknown> | undefined;
}

export type LogLevelName = "debug" | "info" | "warn" | "error";

export type WorkerMessage =
  | { type: "listening"; address: AddressInfo }
  | { type: "listen-failed"; message: string }
  /** An Events API callback the worker has already acknowledged. */
  | { type: "event"; request: ForwardedRequest }
  /** A request whose HTTP response waits for the main thread's ack. */
  | { type: "request"; id: number; request: ForwardedRequest }
  | { type: "route"; id: number; path: string }
  | {
      type: "webhook";
      id: number;
      path: string;
      headers: Record<string, string | undefined>;
      body: Uint8Array;
    }
  | { type: "log"; level: LogLevelName; message: string }
  | { type: "stopped" }
  /** Socket Mode: a lifecycle event of the worker's `SocketModeClient`, with its error if any. */
  | { type: "socket"; event: SocketLifecycle; error?: ErrorWords }
  /** Socket Mode: the first connection is up (`SocketModeClient.start` resolved). */
  | { type: "socket-started" }
  | { type: "socket-start-failed"; message: string }
  | { type: "page"; id: number; path: string; url: string; headers: Record<string, string | undefined> };

export type MainMessage =
  | { type: "ack"; id: number; response: unknown }
  | { type: "done"; id: number }
  | { type: "failed"; id: number; authorization: boolean; message: string }
  | { type: "route-response"; id: number; answer: HttpAnswer }
  | { type: "stop" };
