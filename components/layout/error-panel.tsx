"use client";

import { Button } from "@/components/ui/button";
import { DashboardLink, StatusPage } from "./status-page";

/**
 * What an error boundary shows. The error's message stays out of it: in production a server error
 * reaches the browser as a generic message and a digest, which is what the server log is searched by.
 */
export function ErrorPanel({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    typeof error === "object" && error !== null && "digest" in error && typeof error.digest === "string"
      ? error.digest
      : null;
  return (
    <StatusPage
      title="This page could not be shown"
      actions={
        <>
          <Button onClick={() => retry()}>Try again</Button>
          <DashboardLink variant="secondary" />
        </>
      }
    >
      <p>
        Something went wrong on our side. It is often brief (the server or the database restarting): try again
        in a moment. Orders already confirmed keep being placed in the background.
      </p>
      <p>If it keeps happening, ask an admin to check the server log.</p>
      {digest ? (
        <p className="text-xs text-slate-500">
          Reference: <code>{digest}</code>
        </p>
      ) : null}
    </StatusPage>
  );
}
