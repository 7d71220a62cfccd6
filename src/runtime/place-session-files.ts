import type { AgentRow } from "../adapters/database/agents.ts";
import { sessionSharedFiles } from "../adapters/database/shared-files.ts";
import { placeSharedFiles } from "../adapters/workspace/place-shared-files.ts";
import { errorMessage } from "../domain/errors.ts";
import type { Workspace } from "../domain/tool.ts";
import type { RuntimeKernel } from "./kernel.ts";

/**
 * Puts the files shared in the session's conversation into a new worker's working copy
 * (`.threadwork/files/`). A working copy whose folder is not a plain directory gets none, said
 * in the log; the worker's first message names only what is really there.
 */
export async function placeSessionFiles(kernel: RuntimeKernel, agent: AgentRow, workspace: Workspace) {
  const files = await sessionSharedFiles(kernel.db, agent.sessionId);
  if (files.length === 0) return;
  try {
    await placeSharedFiles(
      workspace.root,
      files.map((stored) => stored.file),
    );
  } catch (error) {
    kernel.logger.warn(
      { agentId: agent.id, error: errorMessage(error) },
      "could not place the session's shared files in the workspace",
    );
  }
}
