"use client";

import { ErrorPanel } from "@/components/layout/error-panel";

// Inside the shell, so the navigation stays usable while one page fails.
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} />;
}
