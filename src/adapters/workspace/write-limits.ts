import { ToolError } from "../../domain/errors.ts";
import type { Workspace } from "../../domain/tool.ts";
import { isOverQuota, overQuotaMessage, workspaceUsage } from "./workspace-quota.ts";
import type { ResolvedToolOptions } from "./workspace-tool-options.ts";

/** The largest file write_file or edit_file writes: as much as read_file reads back. */
export const maxWrittenFileBytes = 20 * 1024 * 1024;
/** Growth below this skips the quota's tree walk: a model's own output cannot fill a disk with it. */
const quotaCheckThreshold = 64 * 1024;

/**
 * Refuses a write of `bytes` to `shownPath` (which holds `previousBytes` now) when the file
 * would be too large or the workspace would go over its disk quota. Checked before the new
 * content is built, so an edit that multiplies a file costs nothing.
 */
export async function requireWriteRoom(
  options: ResolvedToolOptions,
  workspace: Workspace,
  shownPath: string,
  bytes: number,
  previousBytes: number,
): Promise<void> {
  if (bytes > maxWrittenFileBytes) {
    throw new ToolError(
      `Nothing was written: "${shownPath}" would be ${bytes} bytes, more than the ${maxWrittenFileBytes} bytes a file may have when written by a tool.`,
    );
  }
  const growth = bytes - previousBytes;
  if (growth <= quotaCheckThreshold) return;
  const used = await workspaceUsage([
    workspace.root,
    options.homeDirectory(workspace),
    options.temporaryDirectory(workspace),
  ]);
  const after = { ...used, bytes: used.bytes + growth };
  if (isOverQuota(after, options.workspaceQuotaMb)) {
    throw new ToolError(
      `Nothing was written to "${shownPath}". ${overQuotaMessage(after, options.workspaceQuotaMb)}`,
    );
  }
}
