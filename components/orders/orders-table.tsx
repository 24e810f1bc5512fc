import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { formatDateTime, formatMoney } from "@/lib/format";
import type { ApiOrder } from "@/lib/orders/schemas";
import { stateInfo } from "./order-states";
import { summariseResultBriefly } from "./result-summary";

/** A page of the order history; times in `timeZone`, each with the zone named. */
export function OrdersTable({ orders, timeZone }: { orders: ApiOrder[]; timeZone: string }) {
  return (
    <Table caption="Orders">
      <THead>
        <Tr>
          <Th>IMEI</Th>
          <Th>State</Th>
          <Th>Service</Th>
          <Th>Upstream id</Th>
          <Th>Result</Th>
          <Th className="text-right">Price</Th>
          <Th>Placed</Th>
        </Tr>
      </THead>
      <TBody>
        {orders.map((o) => {
          const result = summariseResultBriefly(o);
          return (
            <Tr key={o.id}>
              <Td className="font-mono">
                <Link className="text-indigo-700 hover:underline" href={`/orders/${o.id}`}>
                  {o.imei}
                </Link>
              </Td>
              <Td>
                <Badge tone={stateInfo(o.state).tone}>{stateInfo(o.state).label}</Badge>
                {o.overdue ? <Badge tone="red">overdue</Badge> : null}
              </Td>
              <Td>{o.serviceId}</Td>
              <Td className="font-mono text-slate-600">{o.upstreamOrderId ?? "—"}</Td>
              <Td className="max-w-sm truncate text-slate-700" title={result}>
                {result || "—"}
              </Td>
              <Td className="text-right tabular-nums">{formatMoney(o.price)}</Td>
              <Td className="whitespace-nowrap text-slate-600">{formatDateTime(o.placedAt, timeZone)}</Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
