ALTER TABLE `devices` ADD `oncall` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `next_level_seconds` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `time_zone` text;