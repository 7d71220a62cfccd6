import { Worker } from "node:worker_threads";

export interface OffThreadRequest {
  id: number;
  url: string;
  signingSecret: string;
  /** Replaces the computed signature, to test forgeries. */
  signature?: string;
  /** How long the sender waits after being asked, so the test can block its thread first. */
  delayMs: number;
  envelope: { event_id: string; team_id: string; event: Record<string, unknown> };
}

export interface OffThreadResult {
  id: number;
  status: number;
  /** From sending the request to the response's headers, timed on the sender's thread. */
  ms: number;
  error?: string;
}

/** Sends signed Events API callbacks from a worker thread, timed there. */
export class OffThreadSender {
  private readonly worker = new Worker(new URL("./off-thread-sender-worker.ts", import.meta.url), {
    execArgv: [],
  });
  private readonly waiting = new Map<number, (result: OffThreadResult) => void>();
  private counter = 0;

  constructor() {
    this.worker.on("message", (result: OffThreadResult) => {
      this.waiting.get(result.id)?.(result);
      this.waiting.delete(result.id);
    });
  }

  send(request: Omit<OffThreadRequest, "id">): Promise<OffThreadResult> {
    this.counter += 1;
    const id = this.counter;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...request, id } satisfies OffThreadRequest);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
