CREATE TABLE `alert_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`kind` text NOT NULL,
	`phone` text,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`done_at` integer,
	`outcome` text,
	FOREIGN KEY (`notice_id`) REFERENCES `notices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_steps_due` ON `alert_steps` (`done_at`,`due_at`);--> statement-breakpoint
CREATE INDEX `alert_steps_notice` ON `alert_steps` (`notice_id`);--> statement-breakpoint
ALTER TABLE `devices` ADD `alert_repeat_seconds` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `alert_call_seconds` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `devices` ADD `offline` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `notices` ADD `photo_ok` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `notices` ADD `ack_phone` text;--> statement-breakpoint
ALTER TABLE `notices` ADD `ack_at` integer;--> statement-breakpoint
ALTER TABLE `notices` ADD `alerts_sent` integer DEFAULT 0 NOT NULL;