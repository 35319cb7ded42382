ALTER TABLE `notices` ADD `verdict` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `verdict_note` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `verdict_phone` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `verdict_at` integer;