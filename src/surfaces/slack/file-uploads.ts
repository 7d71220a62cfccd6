import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../logger.ts";
import type { AttachedFile } from "../../runtime/surface-port.ts";
import type { SlackThread } from "./session-threads.ts";

/**
 * Shows an agent's attached file in its thread with files.uploadV2 (`filesUploadV2`: ask for an
 * upload URL, POST the bytes, complete the upload into the channel and thread). The bytes are
 * the runtime's: a text file already redacted, a binary one as it was.
 */
export async function uploadAttachedFile(
  upload: { client: WebClient; token: string | undefined },
  logger: Logger,
  thread: SlackThread,
  agentTitle: string,
  file: AttachedFile,
): Promise<void> {
  const { client } = upload;
  // With many installations the client has no token: the thread's installation's goes with each call.
  const token = upload.token ? { token: upload.token } : {};
  try {
    await client.filesUploadV2({
      ...token,
      channel_id: thread.channel,
      thread_ts: thread.threadTs,
      file: Buffer.from(file.data, "base64"),
      filename: file.fileName,
      title: file.title,
      initial_comment: `${agentTitle} attached ${file.fileName}`,
    });
  } catch (error) {
    logger.warn({ err: error, channel: thread.channel }, "could not upload an attached file to Slack");
    // Never silent: the thread learns the file could not be shown.
    await client.chat
      .postMessage({
        ...token,
        channel: thread.channel,
        thread_ts: thread.threadTs,
        text: `:warning: ${agentTitle} attached ${file.fileName}, but Slack refused the upload.`,
      })
      .catch(() => undefined);
  }
}
