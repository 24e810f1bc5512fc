-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_createdAt_idx" ON "AuditEvent"("actorId", "createdAt");
