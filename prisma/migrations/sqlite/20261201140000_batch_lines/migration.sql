-- AlterTable
ALTER TABLE "Order" ADD COLUMN "reusedFromId" TEXT;

-- CreateTable
CREATE TABLE "BatchLine" (
    "batchId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "input" TEXT NOT NULL,
    "imei" TEXT,
    "kind" TEXT NOT NULL,
    "reason" TEXT,
    "sameAsLine" INTEGER,
    "orderId" TEXT,

    PRIMARY KEY ("batchId", "seq"),
    CONSTRAINT "BatchLine_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "BatchLine_orderId_idx" ON "BatchLine"("orderId");

-- Backfill: batches drafted before this table get one line per order (the uploaded cell was not kept).
INSERT INTO "BatchLine" ("batchId", "seq", "line", "input", "imei", "kind", "orderId")
SELECT "batchId", ROW_NUMBER() OVER (PARTITION BY "batchId" ORDER BY "line", "id"), "line", "imei", "imei", 'order', "id"
FROM "Order";

-- Repeats cancelled at confirm were never placed: they become `skipped`, reusing the earlier order's result.
UPDATE "Order" SET "state" = 'skipped', "priceMicros" = 0, "stateActor" = 'system',
  "stateReason" = 'already ordered for this service: the earlier result is reused',
  "reusedFromId" = (
    SELECT "earlier"."id" FROM "Order" AS "earlier"
    WHERE "earlier"."serviceId" = "Order"."serviceId" AND "earlier"."imei" = "Order"."imei"
      AND "earlier"."batchId" <> "Order"."batchId"
      AND "earlier"."state" IN ('queued', 'submitting', 'submitted', 'completed', 'rejected', 'uncertain')
    ORDER BY CASE WHEN "earlier"."state" = 'completed' THEN 0 ELSE 1 END, "earlier"."createdAt" DESC, "earlier"."id" DESC
    LIMIT 1)
WHERE "state" = 'cancelled' AND "stateReason" = 'already ordered for this service; not re-ordered';
