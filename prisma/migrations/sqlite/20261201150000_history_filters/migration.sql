-- AlterTable
ALTER TABLE "Order" ADD COLUMN "carrier" TEXT;
ALTER TABLE "Order" ADD COLUMN "carrierKey" TEXT;
ALTER TABLE "Order" ADD COLUMN "fmi" TEXT;
ALTER TABLE "Order" ADD COLUMN "fmiKey" TEXT;
ALTER TABLE "Order" ADD COLUMN "model" TEXT;
ALTER TABLE "Order" ADD COLUMN "modelKey" TEXT;
ALTER TABLE "Order" ADD COLUMN "simLock" TEXT;
ALTER TABLE "Order" ADD COLUMN "simLockKey" TEXT;

-- Backfill from the stored parsed result (before the indexes exist, so it writes each row once). A
-- result that is not valid JSON is left alone: its fields stay empty, as a filter would find nothing in it.
UPDATE "Order" SET
  "carrier" = json_extract("result", '$.carrier'),
  "simLock" = json_extract("result", '$.simLock'),
  "fmi" = json_extract("result", '$.fmi'),
  "model" = json_extract("result", '$.model')
WHERE "result" IS NOT NULL AND json_valid("result");
UPDATE "Order" SET
  "carrierKey" = NULLIF(lower(trim("carrier")), ''),
  "simLockKey" = NULLIF(lower(trim("simLock")), ''),
  "fmiKey" = NULLIF(lower(trim("fmi")), ''),
  "modelKey" = NULLIF(lower(trim("model")), '')
WHERE "result" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Order_createdAt_id_idx" ON "Order"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Order_state_createdAt_idx" ON "Order"("state", "createdAt");

-- CreateIndex
CREATE INDEX "Order_upstreamStatus_createdAt_idx" ON "Order"("upstreamStatus", "createdAt");

-- CreateIndex
CREATE INDEX "Order_overdue_createdAt_idx" ON "Order"("overdue", "createdAt");

-- CreateIndex
CREATE INDEX "Order_carrierKey_createdAt_idx" ON "Order"("carrierKey", "createdAt");

-- CreateIndex
CREATE INDEX "Order_simLockKey_createdAt_idx" ON "Order"("simLockKey", "createdAt");

-- CreateIndex
CREATE INDEX "Order_fmiKey_createdAt_idx" ON "Order"("fmiKey", "createdAt");

-- CreateIndex
CREATE INDEX "Order_modelKey_createdAt_idx" ON "Order"("modelKey", "createdAt");

-- CreateIndex
CREATE INDEX "Order_imei_id_idx" ON "Order"("imei", "id");
