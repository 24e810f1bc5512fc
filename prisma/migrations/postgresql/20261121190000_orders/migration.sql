-- AlterTable
ALTER TABLE "User" ADD COLUMN     "dailySpendLimitMicros" BIGINT;

-- CreateTable
CREATE TABLE "Service" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'imei',
    "title" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "priceMicros" BIGINT NOT NULL,
    "deliveryTime" TEXT NOT NULL,
    "deliveryMaxMins" INTEGER,
    "mustReadHtml" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "refreshedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "reorder" BOOLEAN NOT NULL DEFAULT false,
    "totalLines" INTEGER NOT NULL,
    "toSubmit" INTEGER NOT NULL,
    "invalidCount" INTEGER NOT NULL,
    "duplicatesInBatch" INTEGER NOT NULL,
    "alreadyOrderedCount" INTEGER NOT NULL,
    "unitPriceMicros" BIGINT NOT NULL,
    "estimatedCostMicros" BIGINT NOT NULL,
    "invalidLines" TEXT,
    "alreadyOrdered" TEXT,
    "lastServedAt" TIMESTAMP(3),
    "confirmedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "imei" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "stateActor" TEXT,
    "stateReason" TEXT,
    "priceMicros" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "notBefore" TIMESTAMP(3),
    "upstreamOrderId" TEXT,
    "upstreamStatus" TEXT,
    "code" TEXT,
    "result" TEXT,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "checkCount" INTEGER NOT NULL DEFAULT 0,
    "lastCheckedAt" TIMESTAMP(3),
    "nextCheckAt" TIMESTAMP(3),
    "placedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "errorKind" TEXT,
    "errorMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderEvent" (
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "actor" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Service_active_category_idx" ON "Service"("active", "category");

-- CreateIndex
CREATE INDEX "Batch_state_priority_lastServedAt_idx" ON "Batch"("state", "priority", "lastServedAt");

-- CreateIndex
CREATE INDEX "Batch_ownerId_createdAt_idx" ON "Batch"("ownerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_upstreamOrderId_key" ON "Order"("upstreamOrderId");

-- CreateIndex
CREATE INDEX "Order_state_notBefore_idx" ON "Order"("state", "notBefore");

-- CreateIndex
CREATE INDEX "Order_batchId_state_line_idx" ON "Order"("batchId", "state", "line");

-- CreateIndex
CREATE INDEX "Order_state_nextCheckAt_idx" ON "Order"("state", "nextCheckAt");

-- CreateIndex
CREATE INDEX "Order_state_leaseExpiresAt_idx" ON "Order"("state", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Order_imei_serviceId_idx" ON "Order"("imei", "serviceId");

-- CreateIndex
CREATE INDEX "Order_serviceId_createdAt_idx" ON "Order"("serviceId", "createdAt");

-- CreateIndex
CREATE INDEX "Order_ownerId_createdAt_idx" ON "Order"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "Order_placedAt_idx" ON "Order"("placedAt");

-- CreateIndex
CREATE INDEX "OrderEvent_orderId_createdAt_idx" ON "OrderEvent"("orderId", "createdAt");

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Order history, written by the same statement that changes an order's state (hand-written: Prisma's
-- schema has no triggers). Statement-level with transition tables: confirming 20,000 orders writes their
-- events with one INSERT … SELECT instead of 20,000 row-trigger calls. (PostgreSQL allows transition
-- tables only without a column list, so it runs for every UPDATE of "Order" and keeps just state changes.)
CREATE FUNCTION "order_state_events"() RETURNS trigger AS $$
BEGIN
    INSERT INTO "OrderEvent" ("id", "orderId", "fromState", "toState", "actor", "reason", "createdAt")
    SELECT md5(n."id" || clock_timestamp()::text || random()::text), n."id", o."state", n."state",
           n."stateActor", n."stateReason", clock_timestamp()
    FROM "new_rows" AS n JOIN "old_rows" AS o ON o."id" = n."id"
    WHERE o."state" IS DISTINCT FROM n."state";
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
-- Transition tables carry no statistics; without this the planner may nest-loop 20,000 × 20,000 rows.
SET enable_nestloop = off;

CREATE TRIGGER "Order_state_event" AFTER UPDATE ON "Order"
REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows"
FOR EACH STATEMENT EXECUTE FUNCTION "order_state_events"();
