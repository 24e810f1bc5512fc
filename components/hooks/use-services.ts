"use client";

import { useQuery } from "@tanstack/react-query";
import { listServices } from "@/lib/client/api";
import { queryKeys } from "./query-keys";

/** The catalogue for pickers; it changes rarely, so it is kept for five minutes. */
export function useServices() {
  return useQuery({ queryKey: queryKeys.services, queryFn: listServices, staleTime: 5 * 60_000 });
}
