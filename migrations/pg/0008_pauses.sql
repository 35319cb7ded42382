ALTER TABLE "devices" ADD COLUMN "paused_until" bigint;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "paused_by" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "paused_reason" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "paused_by" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "paused_until" bigint;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "paused_reason" text;--> statement-breakpoint
CREATE INDEX "devices_paused" ON "devices" USING btree ("paused_until");