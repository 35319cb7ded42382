CREATE TABLE `held_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`body` text NOT NULL,
	`held_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `held_messages_user` ON `held_messages` (`user_id`,`id`);--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_from` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_to` integer;