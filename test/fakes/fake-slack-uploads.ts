import type { IncomingMessage, ServerResponse } from "node:http";

/** A file uploaded through `files.getUploadURLExternal` → POST → `files.completeUploadExternal`. */
export interface FakeUpload {
  id: string;
  filename: string;
  /** The length the app declared in step 1. */
  length: number;
  /** The bytes POSTed in step 2, exactly as the file field carried them. */
  bytes: Buffer | undefined;
  title?: string;
  /** Set by step 3: where it was shared. */
  channel?: string;
  threadTs?: string;
  completed: boolean;
}

/**
 * Slack's external upload flow, as files.uploadV2 (`WebClient.filesUploadV2`) drives it:
 * 1. `files.getUploadURLExternal {filename, length}` answers an `upload_url` and `file_id`;
 * 2. the bytes are POSTed to the `upload_url` (the SDK sends multipart/form-data);
 * 3. `files.completeUploadExternal {files: [{id, title}], channel_id, thread_ts}` shares it.
 * Refused as Slack refuses: a missing filename or length, an unknown file id, a file completed
 * twice or never uploaded, bytes whose length differs from the declared one, a thread without a
 * channel, or a channel the fake does not know (`knownChannel`). The fake's name for the length
 * error is its own (Slack does not document one).
 */
export class FakeSlackUploads {
  readonly uploads = new Map<string, FakeUpload>();
  private counter = 0;

  private readonly options: {
    baseUrl: () => string;
    knownChannel: (channel: string) => boolean;
    /** Posts the message that shows the shared file in its thread. */
    share: (channel: string, threadTs: string | undefined, upload: FakeUpload) => void;
  };

  constructor(options: FakeSlackUploads["options"]) {
    this.options = options;
  }

  answer(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
    if (method === "files.getUploadURLExternal") {
      const filename = typeof params.filename === "string" ? params.filename : "";
      const length = Number(params.length);
      if (filename === "" || !Number.isInteger(length) || length < 1) {
        return { ok: false, error: "invalid_arguments" };
      }
      this.counter += 1;
      const id = `F0UP${String(this.counter).padStart(4, "0")}`;
      this.uploads.set(id, { id, filename, length, bytes: undefined, completed: false });
      return { ok: true, file_id: id, upload_url: `${this.options.baseUrl()}/upload/${id}` };
    }
    if (method === "files.completeUploadExternal") {
      let files: unknown = params.files;
      if (typeof files === "string") {
        try {
          files = JSON.parse(files);
        } catch {
          return { ok: false, error: "invalid_arguments" };
        }
      }
      if (!Array.isArray(files) || files.length === 0) return { ok: false, error: "invalid_arguments" };
      const channel = typeof params.channel_id === "string" ? params.channel_id : undefined;
      const threadTs = typeof params.thread_ts === "string" ? params.thread_ts : undefined;
      if (threadTs !== undefined && channel === undefined) return { ok: false, error: "invalid_arguments" };
      if (channel !== undefined && !this.options.knownChannel(channel)) {
        return { ok: false, error: "channel_not_found" };
      }
      const uploads: FakeUpload[] = [];
      for (const entry of files as { id?: unknown; title?: unknown }[]) {
        const upload = this.uploads.get(String(entry.id));
        if (!upload || upload.completed || upload.bytes === undefined)
          return { ok: false, error: "file_not_found" };
        if (upload.bytes.byteLength !== upload.length)
          return { ok: false, error: "file_upload_size_mismatch" };
        uploads.push(upload);
        if (typeof entry.title === "string") upload.title = entry.title;
      }
      for (const upload of uploads) {
        upload.completed = true;
        if (channel !== undefined) {
          upload.channel = channel;
          if (threadTs !== undefined) upload.threadTs = threadTs;
          this.options.share(channel, threadTs, upload);
        }
      }
      return {
        ok: true,
        files: uploads.map((upload) => ({ id: upload.id, title: upload.title ?? upload.filename })),
      };
    }
    return undefined;
  }

  /** Step 2. Slack's upload URL is pre-signed: it needs no token. */
  async receive(id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const upload = this.uploads.get(id);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (!upload || upload.completed || request.method !== "POST") {
      response.writeHead(404);
      response.end();
      return;
    }
    const type = request.headers["content-type"] ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      const file = [...form.values()].find((value) => typeof value !== "string");
      if (!file) {
        response.writeHead(400);
        response.end();
        return;
      }
      upload.bytes = Buffer.from(await file.arrayBuffer());
    } else {
      upload.bytes = raw;
    }
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`OK - ${upload.bytes.byteLength}`);
  }
}
