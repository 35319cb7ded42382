CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`module` text NOT NULL,
	`filename` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `health_samples` (
	`user_id` integer NOT NULL,
	`type` text NOT NULL,
	`ts` integer NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`value` real NOT NULL,
	`value2` real,
	PRIMARY KEY(`user_id`, `type`, `ts`, `source`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pairing_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `upgrades` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text DEFAULT '' NOT NULL,
	`version` text NOT NULL,
	`file` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `upgrades_platform_version` ON `upgrades` (`platform`,`version`);--> statement-breakpoint
CREATE TABLE `upload_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`module` text NOT NULL,
	`filename` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `devices` ADD `sn` text;--> statement-breakpoint
ALTER TABLE `devices` ADD `model` text;--> statement-breakpoint
CREATE UNIQUE INDEX `devices_sn_unique` ON `devices` (`sn`);