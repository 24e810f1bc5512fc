-- CreateTable
CREATE TABLE "Throttle" (
    "id" TEXT NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Throttle_pkey" PRIMARY KEY ("id")
);
