"use client";

import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { formatCount, formatMoney } from "@/lib/format";
import type { ApiService } from "@/lib/services/schemas";
import { filterCatalogue, sortCatalogue } from "@/lib/services/search";

/**
 * A searchable select of the catalogue (the ARIA combobox pattern): type to filter by title, category or
 * id; ↑/↓ move, Enter picks, Escape closes. The picked service shows its price and delivery time.
 */
export function ServicePicker({
  services,
  value,
  onChange,
}: {
  services: ApiService[];
  value: ApiService | null;
  onChange: (service: ApiService | null) => void;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [query, setQuery] = useState("");
  const [isOpen, setIsOpen] = useState(false);
  const [active, setActive] = useState(0);

  const sorted = useMemo(() => sortCatalogue(services), [services]);
  const matches = useMemo(() => filterCatalogue(sorted, { q: query }), [sorted, query]);
  const activeIndex = Math.min(active, Math.max(matches.length - 1, 0));
  const optionId = (index: number) => `${id}-option-${index}`;

  function pick(service: ApiService) {
    onChange(service);
    setQuery("");
    setIsOpen(false);
  }

  function move(to: number) {
    const next = Math.max(0, Math.min(matches.length - 1, to));
    setActive(next);
    setIsOpen(true);
    listRef.current?.querySelector(`#${CSS.escape(optionId(next))}`)?.scrollIntoView({ block: "nearest" });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(isOpen ? activeIndex + 1 : activeIndex);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(activeIndex - 1);
        break;
      case "PageDown":
        event.preventDefault();
        move(activeIndex + 10);
        break;
      case "PageUp":
        event.preventDefault();
        move(activeIndex - 10);
        break;
      case "Enter": {
        const service = matches[activeIndex];
        if (isOpen && service) {
          event.preventDefault();
          pick(service);
        }
        break;
      }
      case "Escape":
        if (isOpen) {
          event.preventDefault();
          setIsOpen(false);
        } else setQuery("");
        break;
    }
  }

  if (value) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-indigo-200 bg-indigo-50/60 px-4 py-3">
        <div className="min-w-0">
          <p className="font-medium text-slate-900" data-testid="picked-service">
            {value.title}
          </p>
          <p className="text-sm text-slate-600">
            {value.category} · {value.deliveryTime || "delivery time not given"} · #{value.id}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <span>
            <span className="text-lg font-semibold text-slate-900" data-testid="picked-price">
              {formatMoney(value.price)}
            </span>
            <span className="text-sm text-slate-600"> per IMEI</span>
          </span>
          <button
            type="button"
            className="rounded-md px-2.5 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
            onClick={() => {
              onChange(null);
              setActive(0);
              requestAnimationFrame(() => inputRef.current?.focus());
            }}
          >
            Change service
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="relative">
      <label htmlFor={`${id}-input`} className="sr-only">
        Service
      </label>
      <input
        ref={inputRef}
        id={`${id}-input`}
        type="text"
        role="combobox"
        aria-expanded={isOpen}
        aria-controls={`${id}-listbox`}
        aria-autocomplete="list"
        aria-activedescendant={isOpen && matches.length > 0 ? optionId(activeIndex) : undefined}
        autoComplete="off"
        placeholder={`Search ${formatCount(services.length)} services by name, category or id…`}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setIsOpen(true);
        }}
        onFocus={() => setIsOpen(true)}
        onClick={() => setIsOpen(true)}
        onBlur={() => setIsOpen(false)}
        onKeyDown={onKeyDown}
        className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
      />
      {isOpen ? (
        <ul
          ref={listRef}
          id={`${id}-listbox`}
          role="listbox"
          aria-label="Services"
          className="absolute z-20 mt-1 max-h-80 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
        >
          {matches.length === 0 ? (
            <li className="px-3 py-2 text-slate-600">No service matches “{query}”. Try fewer words.</li>
          ) : (
            matches.map((service, index) => (
              <li
                key={service.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === activeIndex}
                // mousedown, not click: it comes before the input's blur closes the list.
                onMouseDown={(event) => {
                  event.preventDefault();
                  pick(service);
                }}
                onMouseMove={() => setActive(index)}
                className={`flex cursor-pointer items-start justify-between gap-4 px-3 py-2 ${
                  index === activeIndex ? "bg-indigo-50" : ""
                }`}
              >
                <span className="min-w-0">
                  <span className="block text-slate-900">{service.title}</span>
                  <span className="block text-xs text-slate-600">
                    {service.category} · {service.deliveryTime || "delivery time not given"} · #{service.id}
                  </span>
                </span>
                <span className="shrink-0 font-semibold text-slate-900">{formatMoney(service.price)}</span>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
