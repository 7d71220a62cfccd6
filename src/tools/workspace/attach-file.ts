import { basename } from "node:path";
import { z } from "zod";
import { readRegularFile } from "../../adapters/workspace/regular-file.ts";
import { resolveInsideWorkspace } from "../../adapters/workspace/resolve-inside-workspace.ts";
import { requireWorkspace } from "../../adapters/workspace/workspace-tool-options.ts";
import { ToolError } from "../../domain/errors.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import { defineTool, type ToolContext } from "../../domain/tool.ts";
import type { AgentServices } from "../agent/agent-tool-context.ts";

interface AttachFileContext extends ToolContext {
  services: Pick<AgentServices, "attachFile">;
}

/** Text is valid UTF-8 without NUL; anything else (a screenshot, an archive) is binary. */
function textOf(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** One plain line of at most 200 characters, redacted. */
function oneLine(text: string): string {
  return redactSecrets(text)
    .replace(/\p{Cc}+/gu, " ")
    .trim()
    .slice(0, 200);
}

/**
 * `attach_file`: shows a file of the agent's working copy in the session's conversation (a
 * log, a report, a screenshot, a patch). Read as `read_file` reads: inside the workspace,
 * a regular file, no symlink swapped in. A text file is redacted of secret-shaped strings as
 * tool output is; a binary file is sent byte for byte. At most `maximumBytes`.
 */
export function attachFileTool(options: { maximumBytes: number }) {
  const limit = `${Math.round(options.maximumBytes / 1024)} KiB`;
  return defineTool({
    name: "attach_file",
    description: `Attach a file from your working copy to the conversation, where people see it (a log, a report, a screenshot, a patch). Text files are redacted of secrets; at most ${limit}.`,
    input: z.object({
      path: z.string().describe("Path relative to the workspace root."),
      title: z.string().max(200).optional().describe("What people see as the file's title."),
    }),
    risk: "safe",
    async execute(input, context: AttachFileContext) {
      const workspace = requireWorkspace(context);
      if (!context.services.attachFile) throw new ToolError("Files cannot be attached in this conversation.");
      const resolved = await resolveInsideWorkspace(workspace.root, input.path);
      if (resolved.real === undefined) throw new ToolError(`No such file: "${input.path}".`);
      const bytes = await readRegularFile(resolved.real, input.path, context.signal);
      if (bytes.byteLength === 0) throw new ToolError(`"${input.path}" is empty.`);
      if (bytes.byteLength > options.maximumBytes) {
        throw new ToolError(
          `"${input.path}" is ${Math.ceil(bytes.byteLength / 1024)} KiB, over the ${limit} limit for attaching files.`,
        );
      }
      const text = textOf(bytes);
      const shown = text === undefined ? bytes : Buffer.from(redactSecrets(text), "utf8");
      const fileName = oneLine(basename(resolved.relative)) || "file";
      context.services.attachFile({
        fileName,
        title: oneLine(input.title ?? "") || fileName,
        localPath: resolved.absolute,
        data: shown.toString("base64"),
        size: shown.byteLength,
      });
      return `Attached ${resolved.relative} to the conversation (${shown.byteLength} bytes${text === undefined ? ", binary, as is" : ", text, secrets redacted"}).`;
    },
  });
}
