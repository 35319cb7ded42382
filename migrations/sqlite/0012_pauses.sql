ALTER TABLE `devices` ADD `paused_until` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `paused_by` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `paused_reason` text;--> statement-breakpoint
CREATE INDEX `devices_paused` ON `devices` (`paused_until`);--> statement-breakpoint
ALTER TABLE `notices` ADD `paused_by` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `paused_until` integer;--> statement-breakpoint
ALTER TABLE `notices` ADD `paused_reason` text;