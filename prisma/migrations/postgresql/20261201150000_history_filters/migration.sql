-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "carrierKey" TEXT,
ADD COLUMN     "fmi" TEXT,
ADD COLUMN     "fmiKey" TEXT,
ADD COLUMN     "model" TEXT,
ADD COLUMN     "modelKey" TEXT,
ADD COLUMN     "simLock" TEXT,
ADD COLUMN     "simLockKey" TEXT;

-- Backfill from the stored parsed result (before the indexes exist, so it writes each row once). A
-- result that is not valid JSON is left alone (the session-only function turns the cast's error into
-- NULL): its fields stay empty, as a filter would find nothing in it.
CREATE FUNCTION pg_temp.history_result_json(t TEXT) RETURNS JSONB LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
UPDATE "Order" SET
  "carrier" = j ->> 'carrier',
  "simLock" = j ->> 'simLock',
  "fmi" = j ->> 'fmi',
  "model" = j ->> 'model'
FROM (SELECT "id" AS jid, pg_temp.history_result_json("result") AS j FROM "Order" WHERE "result" IS NOT NULL) AS parsed
WHERE "Order"."id" = parsed.jid AND jsonb_typeof(j) = 'object';
UPDATE "Order" SET
  "carrierKey" = NULLIF(lower(trim("carrier")), ''),
  "simLockKey" = NULLIF(lower(trim("simLock")), ''),
  "fmiKey" = NULLIF(lower(trim("fmi")), ''),
  "modelKey" = NULLIF(lower(trim("model")), '')
WHERE "result" IS NOT NULL;
DROP FUNCTION pg_temp.history_result_json(TEXT);

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
