CREATE TABLE `notice_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`sent` integer NOT NULL,
	`total` integer NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`notice_id`) REFERENCES `notices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notice_events_notice` ON `notice_events` (`notice_id`,`id`);