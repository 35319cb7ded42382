CREATE TABLE "report_bins" (
	"off" integer NOT NULL,
	"day" integer NOT NULL,
	"model" text NOT NULL,
	"bin" integer NOT NULL,
	"falls" integer NOT NULL,
	"real" integer NOT NULL,
	"false_alarms" integer NOT NULL,
	CONSTRAINT "report_bins_off_day_model_bin_pk" PRIMARY KEY("off","day","model","bin")
);
--> statement-breakpoint
CREATE TABLE "report_days" (
	"off" integer NOT NULL,
	"day" integer NOT NULL,
	"start_ms" bigint NOT NULL,
	"end_ms" bigint NOT NULL,
	"built_at" bigint NOT NULL,
	CONSTRAINT "report_days_off_day_pk" PRIMARY KEY("off","day")
);
--> statement-breakpoint
DROP INDEX "notices_created";--> statement-breakpoint
CREATE INDEX "report_days_start" ON "report_days" USING btree ("start_ms");--> statement-breakpoint
CREATE INDEX "notices_report" ON "notices" USING btree ("created_at","device_id","ack_at","verdict");