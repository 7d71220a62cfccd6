import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertAgent } from "../../src/adapters/database/agents.ts";
import {
  type AgentMcpListings,
  loadMcpListings,
  storeMcpListings,
} from "../../src/adapters/database/mcp-listings.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession, deleteSession } from "../../src/adapters/database/sessions.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const first: AgentMcpListings = {
  listings: [
    {
      server: "everything",
      tools: [
        {
          server: "everything",
          name: "echo",
          description: "Echoes",
          inputSchema: { type: "object", properties: { message: { type: "string" } } },
          annotations: { readOnlyHint: true },
        },
      ],
      instructions: "Use echo.",
    },
  ],
  unavailable: [{ server: "tracker", reason: "exited with code 1" }],
};

describe.each(backends)("an agent's MCP listings on %s", (backend) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newAgent() {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId: "U1",
    });
    const agent = await insertAgent(handle.db, {
      sessionId: session.id,
      role: "worker",
      title: "worker",
      model: "anthropic:claude-haiku-5-5",
      status: "queued",
    });
    return { sessionId: session.id, agentId: agent.id };
  }

  it("keeps the first listing stored for good: a later one is ignored and the first is returned", async () => {
    const { agentId } = await newAgent();
    expect(await loadMcpListings(handle.db, agentId)).toBeUndefined();
    expect(await storeMcpListings(handle.db, agentId, first)).toEqual(first);
    const changed: AgentMcpListings = { listings: [{ server: "everything", tools: [] }], unavailable: [] };
    expect(await storeMcpListings(handle.db, agentId, changed)).toEqual(first);
    expect(await loadMcpListings(handle.db, agentId)).toEqual(first);
  });

  it("agrees on one listing when two runners store at once", async () => {
    const { agentId } = await newAgent();
    const other: AgentMcpListings = { listings: [], unavailable: [] };
    const [left, right] = await Promise.all([
      storeMcpListings(handle.db, agentId, first),
      storeMcpListings(handle.db, agentId, other),
    ]);
    expect(left).toEqual(right);
  });

  it("goes with its session", async () => {
    const { sessionId, agentId } = await newAgent();
    await storeMcpListings(handle.db, agentId, first);
    await deleteSession(handle.db, sessionId);
    expect(await loadMcpListings(handle.db, agentId)).toBeUndefined();
  });
});
