/** TanStack Query keys, in one place so a mutation invalidates exactly what the queries cached. */
export const queryKeys = {
  services: ["services"] as const,
  batch: (id: string) => ["batch", id] as const,
  /** Every page and filter of a batch's orders (a prefix of `batchOrdersPage`). */
  batchOrders: (id: string) => ["batch-orders", id] as const,
  batchOrdersPage: (id: string, state: string | null, sort: string, dir: string, page: number) =>
    ["batch-orders", id, state, sort, dir, page] as const,
};
