CREATE TABLE "camera_days" (
	"device_id" integer NOT NULL,
	"day" integer NOT NULL,
	"falls" integer NOT NULL,
	"real" integer DEFAULT 0 NOT NULL,
	"false_alarms" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "camera_days_device_id_day_pk" PRIMARY KEY("device_id","day")
);
--> statement-breakpoint
ALTER TABLE "camera_days" ADD CONSTRAINT "camera_days_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "camera_days" ("device_id", "day", "falls", "real", "false_alarms")
SELECT "device_id", ("created_at" / 86400000)::integer, count(*), sum(CASE WHEN "verdict" = 'fall' THEN 1 ELSE 0 END), sum(CASE WHEN "verdict" = 'false_alarm' THEN 1 ELSE 0 END)
FROM "notices" GROUP BY "device_id", ("created_at" / 86400000)::integer;
