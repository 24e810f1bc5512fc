import { BareStatusPage, DashboardLink, StatusPage } from "@/components/layout/status-page";

// Addresses that match no route; they render outside the app shell, which belongs to the (app) group.
export default function NotFound() {
  return (
    <BareStatusPage>
      <StatusPage code="404" title="Page not found" actions={<DashboardLink />}>
        <p>There is no page at this address. Check the link for typos, or start again from the dashboard.</p>
      </StatusPage>
    </BareStatusPage>
  );
}
