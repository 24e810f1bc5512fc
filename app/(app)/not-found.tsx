import Link from "next/link";
import { DashboardLink, StatusPage } from "@/components/layout/status-page";
import { buttonClasses } from "@/components/ui/button";

// A page of the app that calls notFound() (an id that does not exist, or another operator's object: the
// same page for both), shown inside the shell.
export default function AppNotFound() {
  const searchOrders = (
    <Link href="/orders" className={buttonClasses("primary")}>
      Search orders
    </Link>
  );
  return (
    <StatusPage
      code="404"
      title="Not found"
      actions={
        <>
          {searchOrders}
          <DashboardLink variant="secondary" />
        </>
      }
    >
      <p>
        There is nothing here that you can open: the link may be mistyped or cut short, or lead to another
        operator&apos;s work. To find an order, search for its IMEI on the Orders page.
      </p>
    </StatusPage>
  );
}
