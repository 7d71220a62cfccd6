import { constants, type Stats } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { ToolError } from "../../domain/errors.ts";

/** The largest file the tools read (and so the largest an edit may produce). */
export const maxFileBytes = 20 * 1024 * 1024;

/**
 * Opens a confined path only if it is a regular file. O_NONBLOCK so a named pipe cannot hang
 * the open (and a libuv thread with it); O_NOFOLLOW so a symlink swapped in after the path
 * check is refused; the type is checked on the opened descriptor, so nothing can change between.
 */
export async function openRegularFile(
  path: string,
  shownPath: string,
  mode: "read" | "write",
): Promise<FileHandle> {
  const flags =
    constants.O_NONBLOCK |
    constants.O_NOFOLLOW |
    (mode === "read" ? constants.O_RDONLY : constants.O_WRONLY | constants.O_CREAT);
  let handle: FileHandle;
  try {
    handle = await open(path, flags, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new ToolError(`"${shownPath}" is a symlink that changed while opening; try again.`);
    if (code === "EISDIR") throw new ToolError(`"${shownPath}" is a directory.`);
    if (code === "ENXIO") throw new ToolError(`"${shownPath}" is not a regular file (a named pipe).`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new ToolError(`"${shownPath}" is a directory; use list_files.`);
    if (!info.isFile()) {
      throw new ToolError(
        `"${shownPath}" is not a regular file (${fileKind(info)}); only regular files can be ${mode === "read" ? "read" : "written"}.`,
      );
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The whole content of a regular file, at most 20 MiB; stops when `signal` aborts. */
export async function readRegularFile(path: string, shownPath: string, signal: AbortSignal): Promise<Buffer> {
  const handle = await openRegularFile(path, shownPath, "read");
  try {
    const { size } = await handle.stat();
    if (size > maxFileBytes) {
      throw new ToolError(`"${shownPath}" is ${size} bytes, too large to read; use search instead.`);
    }
    return await handle.readFile({ signal });
  } finally {
    await handle.close();
  }
}

function fileKind(info: Stats): string {
  if (info.isFIFO()) return "a named pipe";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "a special file";
}

/** Writes through an already-confined path, only to a regular file (see `openRegularFile`). */
export async function writeConfinedFile(path: string, content: string, shownPath = path): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await openRegularFile(path, shownPath, "write");
  try {
    await handle.truncate(0);
    await handle.writeFile(content, "utf8");
  } finally {
    await handle.close();
  }
}
