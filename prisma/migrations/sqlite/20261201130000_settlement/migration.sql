-- AlterTable
ALTER TABLE "Order" ADD COLUMN "scanFrom" BIGINT;
ALTER TABLE "Order" ADD COLUMN "settleAfter" DATETIME;
ALTER TABLE "Order" ADD COLUMN "settleNote" TEXT;
ALTER TABLE "Order" ADD COLUMN "submittingAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "upstreamSeq" BIGINT;

-- CreateIndex
CREATE INDEX "Order_upstreamSeq_idx" ON "Order"("upstreamSeq");

-- CreateIndex
CREATE INDEX "Order_submittingAt_idx" ON "Order"("submittingAt");

-- Backfill: the numeric copy of every upstream id already stored.
UPDATE "Order" SET "upstreamSeq" = CAST("upstreamOrderId" AS BIGINT)
WHERE "upstreamOrderId" IS NOT NULL AND "upstreamOrderId" <> '' AND "upstreamOrderId" NOT GLOB '*[^0-9]*';
