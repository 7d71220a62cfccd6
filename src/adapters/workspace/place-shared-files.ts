import { constants } from "node:fs";
import { lstat, mkdir, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ThreadworkError } from "../../domain/errors.ts";
import { type SharedFile, safeSharedFileName, sharedFilesFolder } from "../../domain/shared-files.ts";
import { excludeFromCommits } from "../environment/setup-record.ts";

class SharedFilesFolderRefused extends ThreadworkError {
  constructor(path: string) {
    super("shared_files_folder_refused", `${path} in the working copy is not a plain directory.`, {
      category: "user",
      details: { path },
    });
  }
}

/** Makes `path` a directory, refusing a symlink or anything else already there (the repository's own files). */
async function plainDirectory(path: string, shown: string): Promise<void> {
  await mkdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const info = await lstat(path);
  if (!info.isDirectory() || info.isSymbolicLink()) throw new SharedFilesFolderRefused(shown);
}

/**
 * Writes the session's shared files into `<root>/.threadwork/files/`, each under its safe name
 * (`safeSharedFileName`), never through a symlink: the folders are checked to be plain
 * directories and each file is opened with O_NOFOLLOW. The folder is kept out of commits.
 * Returns the names written.
 */
export async function placeSharedFiles(root: string, files: SharedFile[]): Promise<string[]> {
  const placeable = files.filter((file) => file.kind !== "skipped" && typeof file.data === "string");
  if (placeable.length === 0) return [];
  const [parent, child] = sharedFilesFolder.split("/") as [string, string];
  await plainDirectory(join(root, parent), parent);
  const folder = join(root, parent, child);
  await plainDirectory(folder, sharedFilesFolder);
  await excludeFromCommits(root, [sharedFilesFolder]);
  const names: string[] = [];
  for (const file of placeable) {
    const name = safeSharedFileName(file.name, file.id);
    const handle = await open(
      join(folder, name),
      constants.O_WRONLY |
        constants.O_CREAT |
        constants.O_TRUNC |
        constants.O_NOFOLLOW |
        constants.O_NONBLOCK,
      0o644,
    );
    try {
      if (!(await handle.stat()).isFile()) throw new SharedFilesFolderRefused(`${sharedFilesFolder}/${name}`);
      await handle.writeFile(Buffer.from(file.data ?? "", "base64"));
    } finally {
      await handle.close();
    }
    names.push(name);
  }
  return names;
}

/** The names in a working copy's shared-files folder; none when it is missing or not a plain directory. */
export async function placedSharedFiles(root: string): Promise<string[]> {
  const folder = join(root, sharedFilesFolder);
  const info = await lstat(folder).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}
