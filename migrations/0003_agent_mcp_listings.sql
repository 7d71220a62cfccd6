CREATE TABLE "agent_mcp_listings" (
	"agent_id" text PRIMARY KEY NOT NULL,
	"listings" jsonb NOT NULL,
	"unavailable" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_mcp_listings" ADD CONSTRAINT "agent_mcp_listings_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;