import { listAgentsForSession } from "../adapters/database/agents.ts";
import type { Database } from "../adapters/database/open-database.ts";
import type { WorkspaceManager } from "../adapters/git/workspace-manager.ts";
import type { Logger } from "../logger.ts";

const activeStatuses = new Set(["queued", "running", "waiting"]);

interface WorkspaceJanitor {
  /** One pass: removes finished sessions' workspaces idle past the TTL and logs disk use. */
  sweep(): Promise<void>;
  stop(): void;
}

/** Every `intervalMs`, removes the workspaces of sessions whose agents have all stopped. */
export function startWorkspaceJanitor(options: {
  db: Database;
  manager: WorkspaceManager;
  ttlSeconds: number;
  logger: Logger;
  intervalMs?: number;
}): WorkspaceJanitor {
  const { db, manager, logger } = options;
  async function sweep(): Promise<void> {
    const result = await manager.cleanup({
      ttlSeconds: options.ttlSeconds,
      async isFinished(sessionId) {
        const agents = await listAgentsForSession(db, sessionId);
        return agents.every((agent) => agent.role === "supervisor" || !activeStatuses.has(agent.status));
      },
    });
    logger.info(
      { removed: result.removed.length, bytesFreed: result.bytesFreed, bytesInUse: result.bytesInUse },
      "workspace cleanup",
    );
  }
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => logger.warn({ err: error }, "workspace cleanup failed"));
  }, options.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    sweep,
    stop: () => clearInterval(timer),
  };
}
