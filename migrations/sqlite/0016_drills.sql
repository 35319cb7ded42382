CREATE TABLE `drill_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`channel` text NOT NULL,
	`proof` text,
	`sent_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`proved_at` integer,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `drill_checks_device` ON `drill_checks` (`device_id`,`user_id`,`channel`);--> statement-breakpoint
CREATE UNIQUE INDEX `drill_checks_proof` ON `drill_checks` (`proof`);--> statement-breakpoint
ALTER TABLE `devices` ADD `last_drill_at` integer;