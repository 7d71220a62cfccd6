/** Runs the bench app in its own process, driven over IPC by `app-client.ts`. Start it with `fork`. */
import { createBenchApp } from "./app.ts";

type Request = { id: number; method: string; params: unknown };

const app = createBenchApp();
const methods: Record<string, (params: unknown) => Promise<unknown>> = {
  start: (params) => app.start(params as Parameters<typeof app.start>[0]),
  handleMessages: (params) => app.handleMessages(params),
  report: () => app.report(),
  waitIdle: (params) => app.waitIdle(params),
  stats: () => app.stats(),
  resetStats: () => app.resetStats(),
  stop: (params) => app.stop(params as { drainMs?: number } | undefined),
};

process.on("message", (message: Request) => {
  const method = methods[message.method];
  const run = method ? method(message.params) : Promise.reject(new Error(`no method ${message.method}`));
  run.then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
process.on("disconnect", () => process.exit(0));
