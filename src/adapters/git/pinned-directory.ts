import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

/** A directory, never a symlink to one: the open fails with ENOTDIR (or ELOOP) instead. */
const directoryFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Opens the directory at `path` itself, refusing a symlink. A command can swap any directory
 * it can write for a symlink at any moment, so a walk of its tree holds each directory open
 * and names children only relative to it (see `childPath`).
 */
export function openPinnedDirectory(path: string): Promise<FileHandle> {
  return open(path, directoryFlags);
}

/**
 * A path to `name` inside the directory `directory` holds open: `/proc/self/fd/<fd>` is the
 * opened directory itself, wherever it was moved and whatever now stands at its old path,
 * so `name` is the only component resolved by name (what openat and fstatat do). With
 * `lstat`, `unlink` or `openPinnedDirectory`, not even `name` is followed if it is a symlink.
 */
export function childPath(directory: FileHandle, name = ""): string {
  return name === "" ? `/proc/self/fd/${directory.fd}` : `/proc/self/fd/${directory.fd}/${name}`;
}

/** Errors that mean an entry vanished or was replaced while it was read: nothing to measure there. */
export function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP";
}
