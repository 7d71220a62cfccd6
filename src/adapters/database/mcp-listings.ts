import { eq } from "drizzle-orm";
import { z } from "zod";
import type { McpServerListing } from "../../domain/mcp.ts";
import type { Database } from "./open-database.ts";
import { agentMcpListings } from "./schema.ts";

/** What an agent's MCP servers offered it when it first needed its tools. */
export interface AgentMcpListings {
  listings: McpServerListing[];
  /** Servers that could not be listed then, and why. */
  unavailable: { server: string; reason: string }[];
}

const annotationsSchema = z.object({
  title: z.string().optional(),
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});

const listingsSchema = z.array(
  z.object({
    server: z.string(),
    tools: z.array(
      z.object({
        server: z.string(),
        name: z.string(),
        description: z.string(),
        inputSchema: z.record(z.string(), z.unknown()),
        annotations: annotationsSchema.optional(),
      }),
    ),
    instructions: z.string().optional(),
  }),
);

const unavailableSchema = z.array(z.object({ server: z.string(), reason: z.string() }));

function parseRow(row: { listings: unknown; unavailable: unknown }): AgentMcpListings | undefined {
  const listings = listingsSchema.safeParse(row.listings);
  const unavailable = unavailableSchema.safeParse(row.unavailable);
  if (!listings.success || !unavailable.success) return undefined;
  return { listings: listings.data, unavailable: unavailable.data };
}

/** The agent's stored listings; undefined when none are stored or they are not what this version writes. */
export async function loadMcpListings(db: Database, agentId: string): Promise<AgentMcpListings | undefined> {
  const [row] = await db
    .select({ listings: agentMcpListings.listings, unavailable: agentMcpListings.unavailable })
    .from(agentMcpListings)
    .where(eq(agentMcpListings.agentId, agentId));
  return row ? parseRow(row) : undefined;
}

/**
 * Stores an agent's listings unless some are stored already, and returns the stored ones:
 * two runners that listed at once both go on with the first one stored.
 */
export async function storeMcpListings(
  db: Database,
  agentId: string,
  listed: AgentMcpListings,
): Promise<AgentMcpListings> {
  await db
    .insert(agentMcpListings)
    .values({ agentId, listings: listed.listings, unavailable: listed.unavailable })
    .onConflictDoNothing({ target: agentMcpListings.agentId });
  return (await loadMcpListings(db, agentId)) ?? listed;
}
