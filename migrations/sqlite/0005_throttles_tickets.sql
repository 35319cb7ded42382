CREATE TABLE `throttles` (
	`name` text NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL,
	`started_at` integer NOT NULL,
	PRIMARY KEY(`name`, `key`)
);
--> statement-breakpoint
CREATE INDEX `throttles_started` ON `throttles` (`started_at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`value` text DEFAULT '' NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `tickets_expires` ON `tickets` (`kind`,`expires_at`);