import { readFileSync } from "node:fs";
import path from "node:path";

/* Helpers for lib/gsmfusion tests only. */

/** Reads a recorded answer from lib/gsmfusion/fixtures/. */
export function readFixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");
}

/** A Luhn-valid IMEI built from a number, distinct per n. */
export function makeImei(n: number): string {
  const body = `35397910${String(n).padStart(6, "0")}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = body.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Posts raw form fields to a GSM Fusion endpoint (urlencoded, or multipart like the vendor's PHP sample). */
export async function postRaw(
  baseUrl: string,
  fields: Record<string, string>,
  encoding: "urlencoded" | "multipart" = "urlencoded",
): Promise<{ status: number; contentType: string | null; body: string }> {
  let body: URLSearchParams | FormData;
  if (encoding === "multipart") {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    body = form;
  } else {
    body = new URLSearchParams(fields);
  }
  const response = await fetch(`${baseUrl}/gsmfusion_api/index.php`, { method: "POST", body });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: await response.text(),
  };
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  return (await response.json()) as T;
}
