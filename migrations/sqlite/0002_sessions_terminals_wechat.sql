CREATE TABLE `terminals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`device_no` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `terminals_user_device` ON `terminals` (`user_id`,`device_no`);--> statement-breakpoint
ALTER TABLE `tokens` ADD `device_no` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `device_name` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `device_brand` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `device_model` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `plat_id` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `wechat_openid` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_wechat_openid_unique` ON `users` (`wechat_openid`);