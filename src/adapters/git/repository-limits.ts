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

/** Listings of a working copy's paths (`list_files`, changed paths, diff stats). */
export const pathListingLimits: RecordLimits = {
  maxRecords: 200_000,
  maxBytes: 64 * 1024 * 1024,
  timeoutMs: 60_000,
};
