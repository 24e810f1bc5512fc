import { DashboardLink, StatusPage } from "@/components/layout/status-page";

// Rendered with status 403 when a page calls forbidden() (authInterrupts in next.config.mjs).
export default function AppForbidden() {
  return (
    <StatusPage code="403" title="Not available to your role" actions={<DashboardLink />}>
      <p>Your account cannot open this page: it is for admins.</p>
      <p>If you need it for your work, ask an admin to change your account&apos;s role.</p>
    </StatusPage>
  );
}
