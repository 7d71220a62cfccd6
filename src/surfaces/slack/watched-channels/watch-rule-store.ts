import type { Database } from "../../../adapters/database/open-database.ts";
import {
  activeWatchRules,
  claimWatchTrigger,
  closeWatchRule,
  getWatchRule,
  recordWatchFailure,
  recordWatchStarted,
  saveWatchRule,
  type WatchClaim,
} from "../../../adapters/database/watch-rules.ts";
import type { WatchRule, WatchRuleDefinition } from "../../../domain/watch-rule.ts";

export type { WatchClaim };

/** Watch rules and their counters, shared by every instance through the database. */
export interface WatchRuleStore {
  save(rule: WatchRuleDefinition & { id: string; source: WatchRule["source"] }): Promise<void>;
  /** The active rules of `channel`, or of every channel. */
  active(channel?: string): Promise<WatchRule[]>;
  get(id: string): Promise<WatchRule | undefined>;
  close(id: string, reason: string): Promise<boolean>;
  claim(claim: { ruleId: string; fingerprint: string; now: Date; triggerId: string }): Promise<WatchClaim>;
  /** Returns the repeats counted while the session was starting. */
  started(triggerId: string, started: { threadTs: string; sessionId: string }): Promise<number>;
  /** Returns the rule's consecutive failures, this one included. */
  failed(ruleId: string): Promise<number>;
}

export function createDatabaseWatchRuleStore(db: Database): WatchRuleStore {
  return {
    save: (rule) => saveWatchRule(db, rule),
    active: (channel) => activeWatchRules(db, channel),
    get: (id) => getWatchRule(db, id),
    close: (id, reason) => closeWatchRule(db, id, reason),
    claim: (claim) => claimWatchTrigger(db, claim),
    started: (triggerId, started) => recordWatchStarted(db, triggerId, started),
    failed: (ruleId) => recordWatchFailure(db, ruleId),
  };
}
