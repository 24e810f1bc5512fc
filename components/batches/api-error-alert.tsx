"use client";

import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { ApiError } from "@/lib/client/api";
import { formatCount } from "@/lib/format";

const MAX_ISSUES_SHOWN = 50;

/** Says what failed and what to do next, for any error an API call can throw. */
export function ApiErrorAlert({
  error,
  title,
  action,
}: {
  error: unknown;
  title?: string;
  action?: ReactNode;
}) {
  if (!(error instanceof ApiError)) {
    return (
      <Alert tone="error" title={title ?? "Something went wrong"} action={action}>
        <p>
          {error instanceof Error ? error.message : "An unexpected error happened."} Reload the page and try
          again.
        </p>
      </Alert>
    );
  }
  if (error.code === "network") {
    return (
      <Alert tone="error" title="No connection" action={action}>
        <p>{error.message} Nothing was placed.</p>
      </Alert>
    );
  }
  if (error.status === 401) {
    const here = typeof window === "undefined" ? "/" : window.location.pathname + window.location.search;
    return (
      <Alert tone="error" title="You are signed out" action={action}>
        <p>
          Your session has ended.{" "}
          <a className="font-semibold underline" href={`/login?callbackUrl=${encodeURIComponent(here)}`}>
            Sign in again
          </a>{" "}
          and retry; nothing was placed.
        </p>
      </Alert>
    );
  }
  if (error.code === "spend_limit") {
    return (
      <Alert tone="error" title="Over the spending limit" action={action}>
        <p>{error.message}</p>
        <p>Nothing was placed. Ask an admin to raise the limit, or split the batch into smaller ones.</p>
      </Alert>
    );
  }
  const shown = error.issues.slice(0, MAX_ISSUES_SHOWN);
  return (
    <Alert tone="error" title={title ?? errorTitle(error)} action={action}>
      <p>{error.message}</p>
      {shown.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-5">
          {shown.map((issue, i) => (
            <li key={i}>
              {issue.line !== undefined ? <span className="font-semibold">Line {issue.line}: </span> : null}
              {issue.field && issue.line === undefined && issue.field !== "body" ? (
                <span className="font-mono text-xs">{issue.field}: </span>
              ) : null}
              {issue.message}
            </li>
          ))}
          {error.issues.length > shown.length ? (
            <li>and {formatCount(error.issues.length - shown.length)} more</li>
          ) : null}
        </ul>
      ) : null}
    </Alert>
  );
}

function errorTitle(error: ApiError): string {
  switch (error.code) {
    case "validation_failed":
      return "The input has problems";
    case "not_found":
      return "Not found";
    case "conflict":
      return "That changed in the meantime";
    case "price_changed":
      return "The price changed";
    case "service_retired":
      return "This service is no longer offered";
    case "forbidden":
      return "Not allowed";
    case "payload_too_large":
      return "The file is too big";
    case "rate_limited":
      return "Too many requests";
    case "upstream_unavailable":
      return "GSM Fusion is not answering";
    default:
      return "Something went wrong";
  }
}
