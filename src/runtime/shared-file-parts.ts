import type { EventRow } from "../adapters/database/events.ts";
import { placedSharedFiles } from "../adapters/workspace/place-shared-files.ts";
import type { MessagePart } from "../domain/messages.ts";
import { placedFilesText, sharedFilesText } from "../domain/prompts/shared-files-text.ts";
import { maximumImagesPerMessage, type SharedFile, safeSharedFileName } from "../domain/shared-files.ts";
import type { Workspace } from "../domain/tool.ts";

/**
 * A message's shared files as transcript parts: a note naming them, then each image as an
 * image part that points at this event (its bytes stay there, stored once).
 */
export function sharedFileParts(event: EventRow): MessagePart[] {
  const attachments = event.payload.attachments;
  if (!Array.isArray(attachments) || attachments.length === 0) return [];
  const files = attachments as SharedFile[];
  const images: MessagePart[] = [];
  files.forEach((file, index) => {
    if (file.kind !== "image" || images.length >= maximumImagesPerMessage) return;
    images.push({
      type: "image",
      mediaType: file.mediaType,
      name: safeSharedFileName(file.name, file.id),
      eventId: event.id,
      index,
    });
  });
  return [{ type: "text", text: sharedFilesText(files) }, ...images];
}

/** The note a worker's brief carries about the shared files placed in its working copy, if any. */
export async function placedFilesParts(workspace: Workspace | undefined): Promise<MessagePart[]> {
  if (!workspace) return [];
  const names = await placedSharedFiles(workspace.root).catch(() => []);
  return names.length === 0 ? [] : [{ type: "text", text: placedFilesText(names), verbatim: true }];
}
