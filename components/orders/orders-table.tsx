import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { formatDateTime, formatMoney } from "@/lib/format";
import type { ApiOrder } from "@/lib/orders/schemas";
import { stateInfo } from "./order-states";
import { summariseResultBriefly } from "./result-summary";

const dash = (value: string | undefined) => value || "—";

/**
 * A page of the order history: the parsed result's filtered fields in their own columns (the result's
 * brief text only where it has none of them: an unlock code, a rejection), services by name, times in
 * `timeZone` with the zone named. Wide: the table scrolls sideways inside its frame on a phone.
 */
export function OrdersTable({
  orders,
  timeZone,
  serviceTitles,
}: {
  orders: ApiOrder[];
  timeZone: string;
  serviceTitles: Map<string, string>;
}) {
  return (
    <Table caption="Orders">
      <THead>
        <Tr>
          <Th>IMEI</Th>
          <Th>State</Th>
          <Th>Service</Th>
          <Th>Model</Th>
          <Th>Carrier</Th>
          <Th>SIM lock</Th>
          <Th>FMI</Th>
          <Th>Other result</Th>
          <Th className="text-right">Price</Th>
          <Th>Placed</Th>
          <Th>Upstream id</Th>
        </Tr>
      </THead>
      <TBody>
        {orders.map((o) => {
          const r = o.result;
          const parsed = Boolean(r?.model || r?.carrier || r?.simLock || r?.fmi);
          const other = parsed ? "" : summariseResultBriefly(o);
          const service = serviceTitles.get(o.serviceId) ?? o.serviceId;
          return (
            <Tr key={o.id}>
              <Td className="font-mono whitespace-nowrap">
                <Link className="text-indigo-700 hover:underline" href={`/orders/${o.id}`}>
                  {o.imei}
                </Link>
              </Td>
              <Td className="whitespace-nowrap">
                <Badge tone={stateInfo(o.state).tone}>{stateInfo(o.state).label}</Badge>
                {o.overdue ? <Badge tone="red">overdue</Badge> : null}
              </Td>
              <Td className="max-w-56 min-w-40 truncate" title={service}>
                {service}
              </Td>
              <Td className="max-w-48 min-w-32 truncate" title={r?.model}>
                {dash(r?.model)}
              </Td>
              <Td className="whitespace-nowrap">{dash(r?.carrier)}</Td>
              <Td className="whitespace-nowrap">{dash(r?.simLock)}</Td>
              <Td className="whitespace-nowrap">{dash(r?.fmi)}</Td>
              <Td className="max-w-xs min-w-32 truncate text-slate-700" title={other}>
                {other || "—"}
              </Td>
              <Td className="text-right tabular-nums">{formatMoney(o.price)}</Td>
              <Td className="whitespace-nowrap text-slate-600">{formatDateTime(o.placedAt, timeZone)}</Td>
              <Td className="font-mono text-slate-600">{o.upstreamOrderId ?? "—"}</Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
