ALTER TABLE "notices" ADD COLUMN "verdict" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "verdict_note" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "verdict_phone" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "verdict_at" bigint;