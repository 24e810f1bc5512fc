-- CreateTable
CREATE TABLE "ShopSetting" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ShopSetting_key_key" ON "ShopSetting"("key");

-- CreateIndex
CREATE INDEX "Order_ownerId_state_placedAt_idx" ON "Order"("ownerId", "state", "placedAt");
