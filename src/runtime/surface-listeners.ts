import type { Logger } from "pino";
import type { SurfaceEvent, SurfaceListener } from "./surface-port.ts";

/** Events kept for the first surface; past this the oldest are dropped. */
const heldLimit = 10_000;

/**
 * The surfaces listening to one runtime. What is emitted before the first surface attached
 * (a turn resumed at start-up, a request re-announced) is held and delivered to it when it
 * attaches, so nothing a surface should show is lost to the order things start in.
 */
export class SurfaceListeners {
  private readonly listeners = new Set<SurfaceListener>();
  private held: SurfaceEvent[] | undefined = [];
  private dropped = 0;
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Adds a listener; the first one also gets every event held until then, in order. */
  add(listener: SurfaceListener): () => void {
    this.listeners.add(listener);
    const held = this.held ?? [];
    this.held = undefined;
    if (this.dropped > 0) {
      this.logger.warn(
        { dropped: this.dropped },
        "surface events emitted before any surface attached were dropped",
      );
    }
    for (const event of held) this.deliver(listener, event);
    return () => this.listeners.delete(listener);
  }

  emit(event: SurfaceEvent): void {
    if (this.held) {
      if (this.held.length >= heldLimit) {
        this.held.shift();
        this.dropped += 1;
      }
      this.held.push(event);
      return;
    }
    for (const listener of this.listeners) this.deliver(listener, event);
  }

  private deliver(listener: SurfaceListener, event: SurfaceEvent): void {
    try {
      Promise.resolve(listener(event)).catch((error: unknown) =>
        this.logger.warn({ err: error, type: event.type }, "surface listener failed"),
      );
    } catch (error) {
      this.logger.warn({ err: error, type: event.type }, "surface listener failed");
    }
  }
}
