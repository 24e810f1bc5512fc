/** App-side shapes of upstream data. Nothing outside lib/gsmfusion sees a raw upstream field name. */

export type ServiceKind = "imei" | "file" | "server";

export type UpstreamService = {
  id: string;
  title: string;
  category: string;
  /** Decimal string exactly as the upstream gave it (e.g. "0.08"): never a float. */
  price: string;
  deliveryTime: string;
  /** The upstream's MustRead notes, sanitised with sanitize-html: safe to render. */
  mustReadHtml: string;
  kind: ServiceKind;
};

export type UpstreamStatus = "pending" | "in_process" | "completed" | "rejected";

export type PlacedOrder = { upstreamOrderId: string; imei: string; status: UpstreamStatus };

export type UpstreamOrder = {
  upstreamOrderId: string;
  imei: string;
  status: UpstreamStatus;
  code: string | null;
  packageTitle: string | null;
  requestedAt: string | null;
};

/** Optional service-specific `placeorder` fields, named as the upstream names them. */
export const ORDER_FIELDS = [
  "modelNo",
  "operatorId",
  "serviceId",
  "modelId",
  "providerId",
  "mobileId",
  "mep",
  "serialNo",
  "prd",
  "pin",
  "kbh",
  "zte",
  "otherId",
  "other",
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export type PlaceOrderInput = {
  /** The service's upstream PackageId (sent as `networkId`). */
  serviceId: string;
  /** Exactly one IMEI: 15 digits with a valid Luhn check digit. */
  imei: string;
  fields?: Partial<Record<OrderField, string>>;
};

export type CircuitState = "closed" | "open" | "half_open";

export type UpstreamHealth = {
  state: CircuitState;
  lastSuccessAt: string | null;
  latencyMs: number | null;
  inFlight: number;
};
