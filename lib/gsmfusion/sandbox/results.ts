import type { ResultStyle } from "./catalogue";
import { isLuhnValid } from "@/lib/imei";
import { createPrng, hashString, pick } from "./prng";

/** The final state an order reaches, decided once from seed + service + IMEI. */
export type SandboxOutcome = { status: "completed" | "rejected"; code: string };

const IPHONES = [
  "iPhone 11 Purple 64GB",
  "iPhone 12 Pro Max Pacific Blue 256GB",
  "iPhone 13 Midnight 128GB",
  "iPhone 14 Pro Deep Purple 256GB",
  "iPhone 15 Black 128GB",
  "iPhone XR Red 64GB",
  "iPhone SE (2nd Gen) White 64GB",
];
const SAMSUNGS = [
  "Galaxy S21 5G (SM-G991U)",
  "Galaxy S23 Ultra (SM-S918U)",
  "Galaxy A14 5G (SM-A146U)",
  "Galaxy Z Flip5 (SM-F731U)",
];
const CARRIERS = [
  "Unlocked",
  "AT&T USA",
  "T-Mobile USA",
  "Verizon USA",
  "Sprint USA",
  "Vodafone UK",
  "Softbank Japan",
];
const TETHER = [
  "Unlocked 10",
  "Unlocked 2",
  "AT&T Locked Policy 23",
  "T-Mobile Locked 2032",
  "Verizon Locked 2190",
];
const SOLD_BY = ["Apple Store USA", "Best Buy", "AT&T Retail", "T-Mobile USA", "Amazon US"];
const REJECTIONS = [
  "No data found for this IMEI",
  "Not supported for this model",
  "Wrong service: device not supported",
];

function appleCheck(imei: string, draw: () => number): string {
  const carrier = pick(CARRIERS, draw());
  const imei2 = imei.slice(0, 8) + String(Math.floor(draw() * 1e7)).padStart(7, "0");
  const lines = [
    `Model: ${pick(IPHONES, draw())}`,
    `IMEI Number: ${imei}`,
    `Serial Number: ${serial(draw)}`,
    `IMEI2 Number: ${imei2}`,
    `MEID Number: ${imei.slice(0, 14)}`,
    `AppleCare Eligible: ${draw() < 0.3 ? "ON" : "OFF"}`,
    `Estimated Purchase Date: ${date(draw)}`,
    `Carrier: ${carrier}`,
    `Next Tether Policy: ${pick(TETHER, draw())}`,
    `Current GSMA Status: ${draw() < 0.9 ? "Clean" : "Blacklisted"}`,
    `Find My iPhone: ${draw() < 0.4 ? "ON" : "OFF"}`,
    `SimLock: ${carrier === "Unlocked" ? "Unlocked" : "Locked"}`,
  ];
  return lines.join("<br>");
}

function samsungCheck(imei: string, draw: () => number): string {
  const clean = draw() < 0.9;
  return [
    `Model Name: ${pick(SAMSUNGS, draw())}`,
    `IMEI: ${imei}`,
    `Serial Number: R5${serial(draw).slice(0, 9)}`,
    `Network: ${pick(CARRIERS.slice(1), draw())}`,
    `Sold by: ${pick(SOLD_BY, draw())}`,
    `Purchase Country: United States`,
    `Warranty Status: ${draw() < 0.5 ? "In Warranty" : "Out Of Warranty"}`,
    `Blacklist Status: <font color="${clean ? "green" : "red"}">${clean ? "CLEAN" : "BLACKLISTED"}</font>`,
  ].join("<br>");
}

function blacklistCheck(imei: string, draw: () => number): string {
  const clean = draw() < 0.85;
  return [
    `IMEI: ${imei}`,
    `Brand: ${draw() < 0.5 ? "Apple" : "Samsung"}`,
    `Model: ${draw() < 0.5 ? pick(IPHONES, draw()) : pick(SAMSUNGS, draw())}`,
    `Blacklist Status: <span style="color:${clean ? "green" : "red"}">${clean ? "Clean" : "Blacklisted"}</span>`,
    `Blacklist Records: ${clean ? 0 : 1}`,
  ].join("<br />");
}

function carrierCheck(imei: string, draw: () => number): string {
  const carrier = pick(CARRIERS, draw());
  return [
    `IMEI: ${imei}`,
    `Locked to: ${carrier}`,
    `Sim Lock Status: ${carrier === "Unlocked" ? "Unlocked" : "Locked"}`,
    `Activation Lock: ${draw() < 0.4 ? "ON" : "OFF"}`,
    `Sold by: ${pick(SOLD_BY, draw())}`,
  ].join("<br/>");
}

function unlock(draw: () => number): string {
  if (draw() < 0.5) return `Unlock Code: ${String(Math.floor(draw() * 1e8)).padStart(8, "0")}`;
  return "Your device has been unlocked successfully.<br>Insert a new SIM card and connect to Wi-Fi to finish.";
}

function serial(draw: () => number): string {
  const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  let out = "";
  for (let i = 0; i < 12; i++) out += pick([...chars], draw());
  return out;
}

function date(draw: () => number): string {
  const day = 1 + Math.floor(draw() * 28);
  const month = 1 + Math.floor(draw() * 12);
  const year = 2019 + Math.floor(draw() * 6);
  // Day/month order is ambiguous on the live site too.
  return `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`;
}

/** Decides an order's outcome. Luhn-invalid IMEIs are always rejected `Invalid_IMEI`, as live. */
export function decideOutcome(
  seed: number,
  serviceId: string,
  style: ResultStyle,
  imei: string,
): SandboxOutcome {
  if (!isLuhnValid(imei)) return { status: "rejected", code: "Invalid_IMEI" };
  const draw = createPrng(hashString(`${seed}:${serviceId}:${imei}`));
  if (draw() < 0.05) return { status: "rejected", code: pick(REJECTIONS, draw()) };
  switch (style) {
    case "apple_check":
      return { status: "completed", code: appleCheck(imei, draw) };
    case "samsung_check":
      return { status: "completed", code: samsungCheck(imei, draw) };
    case "blacklist_check":
      return { status: "completed", code: blacklistCheck(imei, draw) };
    case "carrier_check":
      return { status: "completed", code: carrierCheck(imei, draw) };
    case "unlock":
      return { status: "completed", code: unlock(draw) };
  }
}
