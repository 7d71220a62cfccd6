CREATE TABLE "slack_installations" (
	"installation_key" text PRIMARY KEY NOT NULL,
	"team_id" text,
	"enterprise_id" text,
	"is_enterprise_install" boolean NOT NULL,
	"app_id" text,
	"bot_id" text,
	"bot_user_id" text,
	"bot_scopes" text DEFAULT '' NOT NULL,
	"bot_token_sealed" text NOT NULL,
	"bot_refresh_token_sealed" text,
	"bot_expires_at" timestamp with time zone,
	"user_id" text,
	"user_token_sealed" text,
	"user_refresh_token_sealed" text,
	"user_expires_at" timestamp with time zone,
	"enterprise_url" text,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "slack_installations_enterprise" ON "slack_installations" USING btree ("enterprise_id");