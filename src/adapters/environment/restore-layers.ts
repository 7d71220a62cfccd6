import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { removeTree } from "../git/remove-tree.ts";
import { isOverlayPath } from "../process/overlay-layers.ts";
import { copyTree } from "./copy-tree.ts";
import { layerPlaces, layersDirectory, writeSetupLayers } from "./setup-layers.ts";

/** `<entry>/users/<hash of a root>`: the working copies whose layers read this entry. */
function usersDirectory(entryPath: string): string {
  return join(entryPath, "users");
}

/**
 * Gives `root` the stored `names` of a cache entry as layers: each stored directory becomes
 * an empty mount point in the working copy and an empty upper directory next to it, and the
 * sandbox mounts the entry there for every command (`readSetupLayers`). Nothing is copied
 * but the entry's plain files, so time and disk do not grow with the tree. False when the
 * paths cannot be overlay options; the caller copies instead.
 */
export async function restoreAsLayers(
  entryPath: string,
  names: readonly string[],
  root: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const stored = join(entryPath, "entries");
  const directories: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    // The entry is the service's own, written once by `store`: no command can change it.
    if ((await lstat(join(stored, name))).isDirectory()) directories.push(name);
    else files.push(name);
  }
  const paths = directories.flatMap((name, index) => [
    join(stored, name),
    join(root, name),
    ...Object.values(layerPlaces(root, index)),
  ]);
  if (!paths.every(isOverlayPath)) return false;
  await removeTree(layersDirectory(root));
  await mkdir(layersDirectory(root), { recursive: true, mode: 0o700 });
  await markUser(entryPath, root);
  for (const [index, name] of directories.entries()) {
    const places = layerPlaces(root, index);
    await mkdir(places.upper, { recursive: true });
    await mkdir(places.work, { recursive: true });
    // The mount point: commands see the merged tree here, mounted over it by each sandbox.
    await mkdir(join(root, name));
  }
  await copyTree(
    files.map((name) => join(stored, name)),
    root,
    signal,
  );
  await writeSetupLayers(
    root,
    directories.map((name) => ({ name, lower: join(stored, name) })),
  );
  return true;
}

async function markUser(entryPath: string, root: string): Promise<void> {
  await mkdir(usersDirectory(entryPath), { recursive: true });
  const name = createHash("sha256").update(root).digest("hex").slice(0, 32);
  await writeFile(join(usersDirectory(entryPath), name), root);
}

/**
 * Whether a working copy that still exists reads this entry as a layer: eviction then only
 * takes the entry out of service (its manifest), and removes it once the last user is gone.
 */
export async function entryInUse(entryPath: string): Promise<boolean> {
  const names = await readdir(usersDirectory(entryPath)).catch(() => []);
  for (const name of names) {
    const root = await readFile(join(usersDirectory(entryPath), name), "utf8").catch(() => "");
    if (root !== "" && (await stat(layersDirectory(root)).catch(() => undefined))) return true;
  }
  return false;
}
