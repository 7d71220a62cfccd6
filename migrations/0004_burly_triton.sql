CREATE TABLE "schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"owner_id" text NOT NULL,
	"channel" text NOT NULL,
	"time_zone" text NOT NULL,
	"phrase" text NOT NULL,
	"when" jsonb NOT NULL,
	"text" text NOT NULL,
	"link" text,
	"paused" boolean DEFAULT false NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "schedules_next_run_at_idx" ON "schedules" USING btree ("next_run_at");--> statement-breakpoint
CREATE INDEX "schedules_owner_idx" ON "schedules" USING btree ("owner_id");