-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "scanFrom" BIGINT,
ADD COLUMN     "settleAfter" TIMESTAMP(3),
ADD COLUMN     "settleNote" TEXT,
ADD COLUMN     "submittingAt" TIMESTAMP(3),
ADD COLUMN     "upstreamSeq" BIGINT;

-- CreateIndex
CREATE INDEX "Order_upstreamSeq_idx" ON "Order"("upstreamSeq");

-- CreateIndex
CREATE INDEX "Order_submittingAt_idx" ON "Order"("submittingAt");

-- Backfill: the numeric copy of every upstream id already stored.
UPDATE "Order" SET "upstreamSeq" = CAST("upstreamOrderId" AS BIGINT)
WHERE "upstreamOrderId" ~ '^[0-9]{1,18}$';
