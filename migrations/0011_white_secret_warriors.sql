ALTER TABLE "schedules" ADD COLUMN "team_id" text;--> statement-breakpoint
ALTER TABLE "schedules" ADD COLUMN "enterprise_id" text;