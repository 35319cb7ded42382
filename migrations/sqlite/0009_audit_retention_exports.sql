CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_id` integer,
	`actor` text NOT NULL,
	`target_id` integer,
	`target` text NOT NULL,
	`device_id` text,
	`ip` text NOT NULL,
	`rid` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_log` (`actor_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_target` ON `audit_log` (`target_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_device` ON `audit_log` (`device_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_kind` ON `audit_log` (`kind`,`at`);--> statement-breakpoint
CREATE TABLE `data_exports` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_at` integer,
	`ready_at` integer,
	`key_hash` text,
	`expires_at` integer,
	`bytes` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `data_exports_user` ON `data_exports` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `data_exports_state` ON `data_exports` (`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `photo_removals` (
	`pic_name` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `notices` ADD `photo_removed_at` integer;--> statement-breakpoint
CREATE INDEX `notices_retention` ON `notices` (`photo_removed_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `notices_created` ON `notices` (`created_at`);--> statement-breakpoint
CREATE INDEX `notices_pic_name` ON `notices` (`pic_name`);--> statement-breakpoint
CREATE INDEX `notice_events_at` ON `notice_events` (`at`);