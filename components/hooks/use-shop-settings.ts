"use client";

import { useMutation } from "@tanstack/react-query";
import type { ShopSettings } from "@/lib/admin/schemas";
import { updateShopSettings } from "@/lib/client/api";

/** Saves the shop's settings (admins only). */
export function useUpdateShopSettings(options: { onSuccess: (settings: ShopSettings) => void }) {
  return useMutation({ mutationFn: updateShopSettings, onSuccess: options.onSuccess });
}
