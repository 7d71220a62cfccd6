import { readFile } from "node:fs/promises";
import { asc } from "drizzle-orm";
import type { Database } from "../../src/adapters/database/open-database.ts";
import { agents, toolCalls, transcriptMessages, usageLedger } from "../../src/adapters/database/schema.ts";
import type { FakeLlmRequest } from "../fakes/fake-llm-server.ts";
import { agentKeyOf } from "./runtime-workload.ts";

/** Model requests per agent and turn: `s3/w1@2` → how many times it was asked. */
export function turnCounts(requests: readonly FakeLlmRequest[]): Map<string, number[]> {
  const counts = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const key = `${agentKeyOf(request)}@${request.turnIndex}`;
    counts.set(key, [...(counts.get(key) ?? []), index]);
  });
  return counts;
}

/** Lines of the append_line log: `<instance> <token>`. */
export async function toolLog(file: string): Promise<{ instance: string; token: string }[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [instance = "", token = ""] = line.split(" ");
      return { instance, token };
    });
}

export function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated: T[] = [];
  for (const value of values) {
    if (seen.has(value)) repeated.push(value);
    seen.add(value);
  }
  return repeated;
}

export async function databaseTotals(db: Database) {
  const agentRows = await db.select().from(agents).orderBy(asc(agents.createdAt));
  const messages = await db.select().from(transcriptMessages);
  const ledger = await db.select().from(usageLedger);
  const audit = await db.select().from(toolCalls);
  return {
    agents: agentRows,
    assistantMessages: messages.filter((message) => message.role === "assistant").length,
    messages,
    ledgerRows: ledger.length,
    audit,
  };
}

/** The supervisor's last assistant text per session. */
export function lastSupervisorTexts(totals: Awaited<ReturnType<typeof databaseTotals>>): string[] {
  const supervisors = totals.agents.filter((agent) => agent.role === "supervisor");
  return supervisors.map((supervisor) => {
    const own = totals.messages
      .filter((message) => message.agentId === supervisor.id && message.role === "assistant")
      .sort((left, right) => left.seq - right.seq);
    const parts = own.at(-1)?.parts ?? [];
    return parts.map((part) => (part.type === "text" ? part.text : "")).join("");
  });
}
