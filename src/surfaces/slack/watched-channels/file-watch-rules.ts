import type { WatchRuleSetting } from "../../../config/watch-config-schema.ts";
import { watchDefaults } from "../../../domain/watch-rule.ts";
import type { WatchRuleStore } from "./watch-rule-store.ts";

/**
 * Makes the stored `file` rules those of the configuration file: each is saved under
 * `file:<id>` (a rule that closed itself stays closed), and one no longer in the file closes.
 */
export async function syncFileWatchRules(
  store: WatchRuleStore,
  settings: readonly WatchRuleSetting[],
): Promise<void> {
  const ids = new Set<string>();
  for (const setting of settings) {
    const id = `file:${setting.id}`;
    ids.add(id);
    await store.save({
      id,
      source: "file",
      channel: setting.channel,
      ownerId: setting.owner,
      request: setting.request,
      bots: setting.bots ?? [],
      ...(setting.pattern !== undefined ? { pattern: setting.pattern } : {}),
      ...(setting.reaction !== undefined ? { reaction: setting.reaction } : {}),
      hourlyLimit: setting.limitPerHour ?? watchDefaults.hourlyLimit,
      dedupSeconds: (setting.dedupMinutes ?? watchDefaults.dedupSeconds / 60) * 60,
    });
  }
  for (const rule of await store.active()) {
    if (rule.source === "file" && !ids.has(rule.id))
      await store.close(rule.id, "removed from the configuration file");
  }
}
