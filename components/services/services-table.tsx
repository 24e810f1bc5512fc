import { formatMoney } from "@/lib/format";
import type { CatalogueService } from "@/lib/services/search";
import { MustRead } from "./must-read";

/** The catalogue as one table with a header row per category; `services` arrive sorted by category. */
export function ServicesTable({ services }: { services: CatalogueService[] }) {
  const groups: Array<{ category: string; services: CatalogueService[] }> = [];
  for (const service of services) {
    const last = groups.at(-1);
    if (last && last.category === service.category) last.services.push(service);
    else groups.push({ category: service.category, services: [service] });
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2">
              ID
            </th>
            <th scope="col" className="px-3 py-2">
              Service
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Price
            </th>
            <th scope="col" className="px-3 py-2">
              Delivery
            </th>
            <th scope="col" className="px-3 py-2">
              Notes
            </th>
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.category} className="divide-y divide-slate-100 border-t border-slate-200">
            <tr className="bg-slate-50/60">
              <th
                scope="rowgroup"
                colSpan={5}
                className="px-3 py-2 text-left text-xs font-semibold text-slate-700"
              >
                {group.category || "Uncategorised"}{" "}
                <span className="font-normal text-slate-500">({group.services.length})</span>
              </th>
            </tr>
            {group.services.map((service) => (
              <tr key={service.id} className="align-top">
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-slate-500">{service.id}</td>
                <td className="px-3 py-2 text-slate-900">{service.title}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">
                  {formatMoney(service.priceMicros)}
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-slate-600">{service.deliveryTime || "—"}</td>
                <td className="px-3 py-2">
                  <MustRead html={service.mustReadHtml} />
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
