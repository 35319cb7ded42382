CREATE TABLE `report_bins` (
	`off` integer NOT NULL,
	`day` integer NOT NULL,
	`model` text NOT NULL,
	`bin` integer NOT NULL,
	`falls` integer NOT NULL,
	`real` integer NOT NULL,
	`false_alarms` integer NOT NULL,
	PRIMARY KEY(`off`, `day`, `model`, `bin`)
);
--> statement-breakpoint
CREATE TABLE `report_days` (
	`off` integer NOT NULL,
	`day` integer NOT NULL,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`built_at` integer NOT NULL,
	PRIMARY KEY(`off`, `day`)
);
--> statement-breakpoint
CREATE INDEX `report_days_start` ON `report_days` (`start_ms`);--> statement-breakpoint
DROP INDEX `notices_created`;--> statement-breakpoint
CREATE INDEX `notices_report` ON `notices` (`created_at`,`device_id`,`ack_at`,`verdict`);