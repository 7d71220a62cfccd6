import {
  boundInstructions,
  type InstructionFile,
  instructionTiers,
} from "../../domain/repository-instructions.ts";
import { openRegularFile } from "./regular-file.ts";
import { resolveInsideWorkspace } from "./resolve-inside-workspace.ts";

/** Bytes read of one instruction file; the first message shows far less anyway. */
const maxReadBytes = 64 * 1024;

/**
 * One instruction file's text, or undefined when it is missing, binary, or not a regular file
 * inside the workspace. Repository files are attacker-controlled: a symlink is never followed
 * out of the workspace (`resolveInsideWorkspace`), the file itself may not be a symlink
 * (O_NOFOLLOW on its own path), and a named pipe or device is refused without blocking.
 */
export async function readInstructionFile(root: string, path: string): Promise<string | undefined> {
  try {
    const resolved = await resolveInsideWorkspace(root, path);
    if (resolved.real === undefined) return undefined;
    const handle = await openRegularFile(resolved.absolute, path, "read");
    try {
      const buffer = Buffer.alloc(maxReadBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxReadBytes, 0);
      const content = buffer.subarray(0, bytesRead);
      if (content.includes(0)) return undefined;
      return content.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * The repository's instructions for the directories an agent works in, by the convention of
 * `instructionTiers`, bounded together to `maxInstructionCharacters`.
 */
export async function readRepositoryInstructions(
  root: string,
  directories: readonly string[],
): Promise<InstructionFile[]> {
  for (const tier of instructionTiers(directories)) {
    const texts = await Promise.all(tier.map((path) => readInstructionFile(root, path)));
    const files = tier.flatMap((path, index) => {
      const text = texts[index];
      return text === undefined || text.trim() === "" ? [] : [{ path, text }];
    });
    if (files.length > 0) return boundInstructions(files);
  }
  return [];
}
