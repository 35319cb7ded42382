CREATE TABLE `camera_days` (
	`device_id` integer NOT NULL,
	`day` integer NOT NULL,
	`falls` integer NOT NULL,
	`real` integer DEFAULT 0 NOT NULL,
	`false_alarms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`device_id`, `day`),
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `camera_days` (`device_id`, `day`, `falls`, `real`, `false_alarms`)
SELECT `device_id`, `created_at` / 86400000, count(*), sum(CASE WHEN `verdict` = 'fall' THEN 1 ELSE 0 END), sum(CASE WHEN `verdict` = 'false_alarm' THEN 1 ELSE 0 END)
FROM `notices` GROUP BY `device_id`, `created_at` / 86400000;
