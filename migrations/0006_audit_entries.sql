CREATE TABLE "audit_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"team_id" text NOT NULL,
	"enterprise_id" text,
	"action" text NOT NULL,
	"actor_id" text NOT NULL,
	"channel_id" text,
	"session_id" text,
	"detail" text NOT NULL,
	"key" text,
	CONSTRAINT "audit_entries_key" UNIQUE("key")
);
--> statement-breakpoint
CREATE INDEX "audit_entries_team_at" ON "audit_entries" USING btree ("team_id","at");--> statement-breakpoint
CREATE FUNCTION "audit_entries_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries" FOR EACH ROW EXECUTE FUNCTION "audit_entries_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries" FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_refuse_change"();
