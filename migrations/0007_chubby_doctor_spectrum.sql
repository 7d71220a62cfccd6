CREATE TABLE "thread_history_reads" (
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"channel" text NOT NULL,
	"thread_ts" text NOT NULL,
	"complete" boolean NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_history_reads_team_id_channel_thread_ts_pk" PRIMARY KEY("team_id","channel","thread_ts")
);
--> statement-breakpoint
CREATE TABLE "thread_messages" (
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"channel" text NOT NULL,
	"thread_ts" text NOT NULL,
	"ts" text NOT NULL,
	"user_id" text,
	"author" text NOT NULL,
	"bot" boolean DEFAULT false NOT NULL,
	"text" text NOT NULL,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	"session_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "thread_messages_team_channel_ts" ON "thread_messages" USING btree ("team_id","channel","ts");--> statement-breakpoint
CREATE INDEX "thread_messages_thread" ON "thread_messages" USING btree ("team_id","channel","thread_ts");