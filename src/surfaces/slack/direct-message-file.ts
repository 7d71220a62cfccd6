import { z } from "zod";
import { SlackApiError } from "../../adapters/slack/slack-errors.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

const openedSchema = z.object({ channel: z.object({ id: z.string() }) });
const uploadSchema = z.object({ upload_url: z.string(), file_id: z.string() });

export interface DirectMessageFile {
  fileName: string;
  title: string;
  content: string;
  comment: string;
}

/**
 * Sends a file to one person in their DM with the app: `conversations.open`, then files.uploadV2's
 * three steps (`files.getUploadURLExternal`, the bytes POSTed to the upload URL, and
 * `files.completeUploadExternal` into the DM). Throws when Slack refuses any step.
 */
export async function sendFileInDirectMessage(
  context: Pick<SlackSurfaceContext, "api">,
  userId: string,
  file: DirectMessageFile,
): Promise<void> {
  const opened = openedSchema.safeParse(await context.api.call("conversations.open", { users: userId }));
  if (!opened.success) throw new SlackApiError("conversations.open", "no_channel");
  const bytes = Buffer.from(file.content, "utf8");
  const upload = uploadSchema.safeParse(
    await context.api.call("files.getUploadURLExternal", {
      filename: file.fileName,
      length: bytes.byteLength,
    }),
  );
  if (!upload.success) throw new SlackApiError("files.getUploadURLExternal", "no_upload_url");
  const posted = await fetch(upload.data.upload_url, { method: "POST", body: bytes });
  if (!posted.ok) throw new SlackApiError("files.upload", `http_${posted.status}`);
  await context.api.call("files.completeUploadExternal", {
    files: JSON.stringify([{ id: upload.data.file_id, title: file.title }]),
    channel_id: opened.data.channel.id,
    initial_comment: file.comment,
  });
}
