import type { RecordLimits } from "./git-records.ts";

/**
 * Bounds on what the service reads of a repository's content through git, whatever the
 * repository holds: a few hundred KB of objects can name millions of paths. Reads stream
 * and stop git at the bound; the result says it was cut.
 */

/** `repository_overview`: entries read in all (the root and its first directories). */
export const overviewMaxEntries = 5_000;

/** `repository_overview`: one directory's listing. */
export const overviewDirectoryLimits: RecordLimits = {
  maxRecords: 2_000,
  maxBytes: 1024 * 1024,
  timeoutMs: 10_000,
};

/** `repository_overview`: the whole overview, every listing and file read in it. */
export const overviewTimeoutMs = 20_000;

/** Sizing a tree before it is checked out: stops early once it is over the quota anyway. */
export const checkoutSizingTimeoutMs = 120_000;

/** A checkout itself (its size is bounded by the workspace quota). */
export const checkoutTimeoutMs = 600_000;

/** `list_files`: paths read of a working copy; the tool shows the first of them, sorted. */
export const pathListingLimits: RecordLimits = {
  maxRecords: 200_000,
  maxBytes: 64 * 1024 * 1024,
  timeoutMs: 60_000,
};

/**
 * Reads that must see every record (gitlinks before staging, changed CI paths before a push,
 * diff stats) keep only what they need as they stream, and fail after this long.
 */
export const completeReadTimeoutMs = 120_000;

/** A working copy's diff (`git_diff`, a code channel's diff tab); its size is capped by the caller. */
export const diffTimeoutMs = 60_000;

/** Bytes one fetch from an https remote may bring into a mirror (isomorphic-git holds the pack in memory). */
export const maxFetchBytes = 2 * 1024 * 1024 * 1024;
