import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";

/** Read-only toolchain directories a command sees; nothing else of the host is mounted. */
const systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

/** Isolation every sandboxed command gets, and the start-up probe tries: new namespaces, no capabilities. */
export const isolationArguments: readonly string[] = [
  "--unshare-all",
  "--die-with-parent",
  "--new-session",
  "--cap-drop",
  "ALL",
];

/** Credentials in /etc, replaced by an empty file or directory inside the sandbox. */
const maskedFiles = ["/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers"];
const maskedDirectories = ["/etc/ssl/private", "/etc/sudoers.d"];

function isInside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory.endsWith(sep) ? directory : directory + sep);
}

/**
 * The host's toolchain directories, read-only, with /bin, /lib… kept as symlinks where the
 * host has them (merged /usr), and the credential files of /etc masked.
 */
export function systemMountArguments(): string[] {
  const args: string[] = [];
  for (const directory of systemDirectories) {
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(directory);
    } catch {
      continue;
    }
    if (info.isSymbolicLink()) args.push("--symlink", readlinkSync(directory), directory);
    else if (info.isDirectory()) args.push("--ro-bind", directory, directory);
  }
  for (const file of [...maskedFiles, ...sshHostKeys()]) {
    if (existsSync(file)) args.push("--ro-bind", "/dev/null", file);
  }
  for (const directory of maskedDirectories) {
    if (existsSync(directory)) args.push("--tmpfs", directory, "--remount-ro", directory);
  }
  return args;
}

/**
 * With network, name resolution must work: `/etc/resolv.conf` is often a symlink into /run
 * (systemd-resolved), which the sandbox does not mount. Its target file alone is mounted.
 */
export function resolverMountArguments(): string[] {
  let target: string;
  try {
    target = realpathSync("/etc/resolv.conf");
  } catch {
    return [];
  }
  return systemVisible(target) ? [] : ["--ro-bind", target, target];
}

/** Private host keys: readable by a service that runs as root, so masked. */
function sshHostKeys(): string[] {
  try {
    return readdirSync("/etc/ssh")
      .filter((name) => name.startsWith("ssh_host_") && name.endsWith("_key"))
      .map((name) => join("/etc/ssh", name));
  } catch {
    return [];
  }
}

/** Bytes of the sandbox's /dev/shm: tmpfs is host RAM, so it is small and bounded. */
const sharedMemoryBytes = 64 * 1024 * 1024;

/**
 * A fresh /dev, read-only once made (its tmpfs is host RAM, as big as half of it), with a
 * bounded /dev/shm as the only writable place. Device nodes stay usable.
 */
export function deviceArguments(): string[] {
  return [
    "--dev",
    "/dev",
    "--size",
    String(sharedMemoryBytes),
    "--tmpfs",
    "/dev/shm",
    "--remount-ro",
    "/dev",
  ];
}

/** Whether a real path is visible through the system mounts. */
export function systemVisible(path: string): boolean {
  return systemDirectories.some((directory) => {
    try {
      return isInside(path, realpathSync(directory));
    } catch {
      return false;
    }
  });
}

/** Whether a path is one of these directories or lies inside one. */
export function isInsideAny(path: string, directories: readonly string[]): boolean {
  return directories.some((directory) => isInside(path, directory));
}

/**
 * Paths to hide that lie inside a mounted system directory, e.g. a data directory under
 * /opt or an app directory under /usr/src: an empty tmpfs over each (`cover`), made
 * read-only only after the workspace and home are bound inside it (`seal`). A system
 * directory itself, or one of its ancestors, is never hidden: that would take the
 * toolchain away.
 */
export function hiddenPathArguments(paths: string[]): { cover: string[]; seal: string[] } {
  const hidden = paths
    .filter((path) => path.startsWith("/") && existsSync(path))
    .filter((path) => !systemDirectories.some((directory) => isInside(directory, path)))
    .filter((path) => systemVisible(realpathSync(path)));
  return {
    cover: hidden.flatMap((path) => ["--tmpfs", path]),
    seal: hidden.flatMap((path) => ["--remount-ro", path]),
  };
}
