import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import * as schema from "../../../src/adapters/database/schema.ts";

/** How a table's rows belong to a team. */
export type TeamScoping =
  /** The row's session, whose conversation key starts with the team (`T…:C…:ts`). */
  | { kind: "session"; column: "id" | "session_id" | "agent_id" }
  /** Its own `team_id` column (null only for rows made with one bot token). */
  | { kind: "team" }
  /** Holds nothing of a team's work, or is keyed by what only one team has; with why. */
  | { kind: "unscoped"; why: string };

/**
 * Tables reached without a session, each with the reason it cannot mix teams. A new table with no
 * `session_id` or `agent_id` column fails the isolation test until it is scoped or listed here.
 */
export const tablesWithoutSession: Record<string, string> = {
  processed_events:
    "handled inbound ids only (Slack event ids and `channel:ts`), unique across Slack; no content",
  reply_windows: "counters keyed by `session:<id>` or `person:slack:<user>`; no content",
  watch_rules: "keyed by channel and owner, which belong to one team; matched only on events of that channel",
};

/** Every table of the schema with how its rows are scoped to a team. */
export function teamScopingOfTables(): Map<string, TeamScoping> {
  const scoping = new Map<string, TeamScoping>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    const columns = new Set(config.columns.map((column) => column.name));
    if (config.name === "sessions") scoping.set(config.name, { kind: "session", column: "id" });
    else if (columns.has("session_id")) scoping.set(config.name, { kind: "session", column: "session_id" });
    else if (columns.has("agent_id")) scoping.set(config.name, { kind: "session", column: "agent_id" });
    else if (columns.has("team_id")) scoping.set(config.name, { kind: "team" });
    else {
      const why = tablesWithoutSession[config.name];
      scoping.set(config.name, why ? { kind: "unscoped", why } : { kind: "unscoped", why: "" });
    }
  }
  return scoping;
}

/** SQL naming the team of each row of a session-scoped table: `team` and the row as JSON (`row`). */
export function rowsWithTeamSql(table: string, scoping: Exclude<TeamScoping, { kind: "unscoped" }>): string {
  if (scoping.kind === "team") return `select t.team_id as team, row_to_json(t)::text as row from ${table} t`;
  const team = "split_part(s.conversation_key, ':', 1)";
  if (scoping.column === "id") return `select ${team} as team, row_to_json(s)::text as row from sessions s`;
  if (scoping.column === "session_id") {
    return `select ${team} as team, row_to_json(t)::text as row from ${table} t left join sessions s on s.id = t.session_id`;
  }
  return `select ${team} as team, row_to_json(t)::text as row from ${table} t left join agents a on a.id = t.agent_id left join sessions s on s.id = a.session_id`;
}
