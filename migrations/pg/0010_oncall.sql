ALTER TABLE "devices" ADD COLUMN "oncall" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "next_level_seconds" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "time_zone" text;