CREATE TABLE `alert_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`role` text NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`phone` text NOT NULL,
	`user_id` integer,
	`call_id` text,
	`sent_at` integer NOT NULL,
	`status` text,
	`status_at` integer,
	`keypress` text,
	`keypress_at` integer,
	FOREIGN KEY (`notice_id`) REFERENCES `notices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_contacts_call_id` ON `alert_contacts` (`call_id`);--> statement-breakpoint
CREATE INDEX `alert_contacts_phone` ON `alert_contacts` (`phone`,`sent_at`);--> statement-breakpoint
CREATE INDEX `alert_contacts_notice` ON `alert_contacts` (`notice_id`);--> statement-breakpoint
CREATE TABLE `provider_callbacks` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provider_callbacks_at` ON `provider_callbacks` (`at`);--> statement-breakpoint
ALTER TABLE `devices` ADD `resident_phone` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `resident_seconds` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `last_resort_phone` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `last_resort_seconds` integer;--> statement-breakpoint
ALTER TABLE `notices` ADD `ack_channel` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `ack_by` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `resident_answer` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `resident_at` integer;