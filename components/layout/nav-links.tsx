"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** `count`: how many things wait there for the user (shown as a badge when above zero). */
export type NavItem = { href: string; label: string; count?: number };

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-1">
      {items.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${
              active ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"
            }`}
          >
            {item.label}
            {item.count ? (
              <span
                className="ml-1.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 tabular-nums"
                aria-label={`(${item.count} waiting)`}
              >
                {item.count > 999 ? "999+" : item.count}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
