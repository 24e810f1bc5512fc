"use client";

import { ErrorPanel } from "@/components/layout/error-panel";
import { BareStatusPage } from "@/components/layout/status-page";

// Catches what the (app) group's own boundary cannot: its layout (the session check) and the login page.
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <BareStatusPage>
      <ErrorPanel error={error} retry={retry} />
    </BareStatusPage>
  );
}
