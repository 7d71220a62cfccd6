import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createAnthropicProvider } from "../../src/adapters/providers/anthropic-provider.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import type { ModelProvider, ModelTurnRequest } from "../../src/domain/model.ts";
import type { AnyTool } from "../../src/domain/tool.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { RuntimeOptions } from "../../src/runtime/runtime-context.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import type { FakeLlmServer } from "../fakes/fake-llm-server.ts";
import { createTestRuntime } from "./runtime-harness.ts";
import { sleep } from "./sleep.ts";

/** An instance's life: once it died, its model calls never answer (until its runner lets go). */
interface Life {
  dead: boolean;
  death: Promise<void>;
  die(): void;
}

function newLife(): Life {
  const death = Promise.withResolvers<void>();
  const life: Life = {
    dead: false,
    death: death.promise,
    die() {
      life.dead = true;
      death.resolve();
    },
  };
  return life;
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new Error("the instance died"));
    if (signal?.aborted) fail();
    else signal?.addEventListener("abort", fail, { once: true });
  });
}

/** A provider whose answers stop reaching the instance the moment it dies, as a killed process's would. */
function mortal(life: Life, pick: (request: ModelTurnRequest) => ModelProvider): ModelProvider {
  return {
    name: "anthropic",
    async turn(request) {
      if (life.dead) return untilAborted(request.signal);
      const call = pick(request).turn(request);
      call.catch(() => undefined);
      return Promise.race([call, life.death.then(() => untilAborted(request.signal))]);
    },
  };
}

interface MortalSetup {
  handle: DatabaseHandle;
  server: FakeLlmServer;
  tools: AnyTool[];
  options: Partial<RuntimeOptions>;
  attempts: number;
  /** Which API a request goes to. */
  providerOf(request: ModelTurnRequest): "anthropic" | "openai";
  onEvent(event: SurfaceEvent): void;
}

interface Instance {
  runtime: Runtime;
  life: Life;
  unsubscribe(): void;
}

/**
 * Runtimes on one database, one at a time, that a test can kill or stop in-process.
 * SIGKILL: the instance's events stop reaching the surface and its model calls never answer; it
 * keeps its leases for one lease TTL (as a dead process's expire), then lets go and the next
 * instance, already started, takes over. SIGTERM: `stop()` as on a real SIGTERM, then a new one.
 */
export class MortalInstances {
  private current: Instance | undefined;
  private readonly dying: Promise<void>[] = [];
  private faults: Promise<void> = Promise.resolve();
  private generation = 0;
  readonly kills = { sigkill: 0, sigterm: 0 };

  private readonly setup: MortalSetup;

  constructor(setup: MortalSetup) {
    this.setup = setup;
  }

  get runtime(): Runtime {
    if (!this.current) throw new Error("no instance is running");
    return this.current.runtime;
  }

  async start(): Promise<void> {
    const { server, attempts } = this.setup;
    const retryPolicy = { maxAttempts: attempts, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 };
    const anthropic = createAnthropicProvider({
      apiKey: "sk-ant-test",
      baseUrl: server.anthropicBaseUrl,
      retryPolicy,
    });
    const openai = createOpenAIProvider({ apiKey: "sk-test", baseUrl: server.openaiBaseUrl, retryPolicy });
    const life = newLife();
    this.generation += 1;
    const runtime = createTestRuntime({
      handle: this.setup.handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      provider: mortal(life, (request) => (this.setup.providerOf(request) === "openai" ? openai : anthropic)),
      instanceId: `mortal-${this.generation}`,
      supervisorTools: this.setup.tools,
      workerTools: this.setup.tools,
      options: this.setup.options,
    });
    const unsubscribe = runtime.subscribe((event) => this.setup.onEvent(event));
    await runtime.start();
    this.current = { runtime, life, unsubscribe };
  }

  /** Queues a kill or a stop of whichever instance runs when its turn comes. */
  fault(kind: "sigkill" | "sigterm"): void {
    this.faults = this.faults.then(() => (kind === "sigkill" ? this.kill() : this.terminate()));
  }

  private async kill(): Promise<void> {
    const old = this.current;
    if (!old) return;
    this.kills.sigkill += 1;
    old.unsubscribe();
    old.life.die();
    await this.start();
    const ttl = this.setup.options.leaseTtlMs ?? 1500;
    this.dying.push(sleep(ttl).then(() => old.runtime.stop({ drainBy: Date.now(), abortedBy: Date.now() })));
  }

  private async terminate(): Promise<void> {
    const old = this.current;
    if (!old) return;
    this.kills.sigterm += 1;
    // A short shutdown budget: steps may finish for half a lease, then what runs is interrupted.
    const drainBy = Date.now() + (this.setup.options.leaseTtlMs ?? 1500) / 2;
    await old.runtime.stop({ drainBy, abortedBy: drainBy + 100 });
    old.unsubscribe();
    await this.start();
  }

  /** Resolves once every queued fault landed and every killed instance let go. */
  async settled(): Promise<void> {
    await this.faults;
    await Promise.all(this.dying.splice(0));
  }

  async stop(): Promise<void> {
    await this.settled();
    await this.current?.runtime.stop();
    this.current?.unsubscribe();
    this.current = undefined;
  }
}
