CREATE TABLE "spend_alerts" (
	"alert_key" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"period_key" text NOT NULL,
	"percent" integer NOT NULL,
	"spent_micros" bigint NOT NULL,
	"limit_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spend_limit_extensions" (
	"extension_key" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"period_key" text NOT NULL,
	"extra_micros" bigint NOT NULL,
	"extended_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spend_limits" (
	"limit_key" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"kind" text NOT NULL,
	"amount_micros" bigint NOT NULL,
	"set_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "usage_ledger_created" ON "usage_ledger" USING btree ("created_at");