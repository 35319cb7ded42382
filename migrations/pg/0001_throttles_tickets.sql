CREATE TABLE "throttles" (
	"name" text NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	"started_at" bigint NOT NULL,
	CONSTRAINT "throttles_name_key_pk" PRIMARY KEY("name","key")
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"value" text DEFAULT '' NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "tickets_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE INDEX "throttles_started" ON "throttles" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "tickets_expires" ON "tickets" USING btree ("kind","expires_at");