/**
 * A directory a sandboxed command sees as `lower` (a setup cache entry, never written) with
 * `upper` (the workspace's own) over it: every write, delete or chmod lands in `upper` by
 * overlayfs copy-up, so the shared layer costs nothing per workspace and stays as stored.
 */
export interface OverlayLayer {
  /** Read-only shared layer, e.g. `<cache entry>/entries/node_modules`. */
  lower: string;
  /** The workspace's changes; only the service's and this workspace's sandbox write here. */
  upper: string;
  /** overlayfs's scratch directory, on the same file system as `upper`. */
  work: string;
  /** Where the merged tree appears, e.g. `<workspace>/node_modules`. */
  target: string;
}

/** overlayfs splits its options at `,` and lower directories at `:`, and `\` escapes: paths with them are not used. */
export function isOverlayPath(path: string): boolean {
  return path.startsWith("/") && !/[,:\\\n]/.test(path);
}

/**
 * Mounts each layer, then becomes `command`: the script runs as root of a new user and
 * mount namespace (`unshare -Urm`), so the mounts exist for this command alone and nothing
 * on the host changes. The mounts are private to that namespace: a target that is not what
 * it was (a symlink planted meanwhile) only changes what this sandbox sees.
 */
const mountScript =
  'n=$1; shift; while [ "$n" -gt 0 ]; do mount -n -t overlay overlay -o "$1" -- "$2" || exit 125; shift 2; n=$((n - 1)); done; exec "$@"';

/** `unshare … sh -c <mount each layer; exec command args>`: the command runs with the layers mounted. */
export function withOverlayLayers(
  unsharePath: string,
  layers: readonly OverlayLayer[],
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  for (const layer of layers) {
    for (const path of [layer.lower, layer.upper, layer.work, layer.target]) {
      if (!isOverlayPath(path)) throw new Error(`an overlay layer path cannot hold , : or \\: ${path}`);
    }
  }
  return {
    command: unsharePath,
    args: [
      "--user",
      "--map-root-user",
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      mountScript,
      "sh",
      String(layers.length),
      ...layers.flatMap((layer) => [
        `lowerdir=${layer.lower},upperdir=${layer.upper},workdir=${layer.work},userxattr`,
        layer.target,
      ]),
      command,
      ...args,
    ],
  };
}

/**
 * bwrap arguments that keep the command's user and group what they are without layers: in
 * the namespace `unshare` made the service is root, and bwrap would map that root inside.
 */
export function ownIdentityArguments(): string[] {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return ["--uid", String(uid), "--gid", String(gid)];
}
