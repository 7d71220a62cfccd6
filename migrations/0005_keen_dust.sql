CREATE TABLE "watch_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"owner_id" text NOT NULL,
	"source" text NOT NULL,
	"definition" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"closed_reason" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "watch_triggers" (
	"id" text PRIMARY KEY NOT NULL,
	"rule_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"thread_ts" text,
	"session_id" text,
	"repeats" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "watch_triggers_rule_started" ON "watch_triggers" USING btree ("rule_id","started_at");