// A Socket Mode WebSocket server on its own thread: it sends envelopes and times their acks
// even while the test's main thread is blocked.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { parentPort } from "node:worker_threads";
import type { OffThreadSocketCommand, OffThreadSocketReport } from "./off-thread-socket-server.ts";
import { decodeFrame, encodeFrame } from "./websocket-frames.ts";

const mainThread = parentPort;
if (!mainThread) throw new Error("off-thread-socket-server-worker.ts runs only as a worker thread");

function report(message: OffThreadSocketReport): void {
  mainThread?.postMessage(message);
}

const sockets = new Set<Socket>();
/** Envelope id to when it was written and the command it answers. */
const sent = new Map<string, { id: number; at: number }>();

function sendText(socket: Socket, value: unknown): void {
  socket.write(encodeFrame(0x1, Buffer.from(JSON.stringify(value))));
}

function received(text: string): void {
  const parsed = JSON.parse(text) as { envelope_id?: string; payload?: unknown };
  const waiting = parsed.envelope_id ? sent.get(parsed.envelope_id) : undefined;
  if (!waiting || !parsed.envelope_id) return;
  sent.delete(parsed.envelope_id);
  report({ type: "ack", id: waiting.id, ms: performance.now() - waiting.at, payload: parsed.payload });
}

function accept(request: IncomingMessage, socket: Socket): void {
  const key = request.headers["sec-websocket-key"];
  if (typeof key !== "string") {
    socket.destroy();
    return;
  }
  const accepted = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accepted}\r\n\r\n`,
  );
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => sockets.delete(socket));
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const frame = decodeFrame(buffered);
      if (!frame) break;
      buffered = buffered.subarray(frame.length);
      if (frame.opcode === 0x9) socket.write(encodeFrame(0xa, frame.payload));
      else if (frame.opcode === 0x8) {
        socket.end(encodeFrame(0x8, frame.payload));
        sockets.delete(socket);
      } else if (frame.opcode === 0x1) received(frame.payload.toString("utf8"));
    }
  });
  sendText(socket, { type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" } });
  report({ type: "connected" });
}

const server = createServer((_request, response) => {
  response.writeHead(404);
  response.end();
});
server.on("upgrade", accept);

mainThread.on("message", (command: OffThreadSocketCommand) => {
  if (command.type === "close") {
    for (const socket of sockets) socket.destroy();
    server.close(() => report({ type: "closed" }));
    return;
  }
  setTimeout(() => {
    const envelopeId = `off-thread-${command.id}`;
    const at = performance.now();
    sent.set(envelopeId, { id: command.id, at });
    for (const socket of sockets) sendText(socket, { envelope_id: envelopeId, ...command.envelope });
  }, command.delayMs);
});

server.listen(0, "127.0.0.1", () => {
  report({ type: "listening", port: (server.address() as AddressInfo).port });
});
