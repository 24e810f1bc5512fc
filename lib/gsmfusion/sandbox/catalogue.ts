import type { ServiceKind } from "../types";

/** How the sandbox invents a result for a service. */
export type ResultStyle = "apple_check" | "samsung_check" | "blacklist_check" | "carrier_check" | "unlock";

export type SandboxService = {
  id: string;
  category: string;
  title: string;
  price: string;
  timeTaken: string;
  mustRead: string;
  kind: ServiceKind;
  style: ResultStyle;
};

type Row = [
  id: string,
  category: string,
  title: string,
  price: string,
  timeTaken: string,
  style: ResultStyle,
];

const IMEI_ROWS: Row[] = [
  [
    "1739",
    "IMEI Checking",
    "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI + WW + Activation Etc 🔥Hot Exclusive Checker🔥",
    "0.08",
    "Instant-5 Minutes",
    "apple_check",
  ],
  [
    "1740",
    "IMEI Checking",
    "10-7.2# Apple FMI ON/OFF Status Checker ⚡Instant⚡",
    "0.02",
    "Instant",
    "apple_check",
  ],
  [
    "1741",
    "IMEI Checking",
    "10-7.3# Apple Full Info + Sold By + Purchase Country 📱",
    "0.35",
    "Instant-10 Minutes",
    "apple_check",
  ],
  [
    "1742",
    "IMEI Checking",
    "10-7.4# Apple Carrier + SimLock Check (Basic)",
    "0.05",
    "Instant",
    "carrier_check",
  ],
  [
    "1743",
    "IMEI Checking",
    "10-7.5# Apple GSX Report (Full History) 🧾",
    "1.50",
    "1-30 Minutes",
    "apple_check",
  ],
  ["1744", "IMEI Checking", "10-7.6# Apple MDM Status Check", "0.45", "Instant-5 Minutes", "carrier_check"],
  ["1810", "Samsung", "11-1# Samsung Info + Warranty + Carrier Check 🇰🇷", "0.10", "Instant", "samsung_check"],
  ["1811", "Samsung", "11-2# Samsung KNOX / FRP Status", "0.25", "Instant-5 Minutes", "samsung_check"],
  ["1812", "Samsung", "11-3# Samsung USA Unlock (All Models) ✅", "12.00", "1-24 Hours", "unlock"],
  ["1813", "Samsung", "11-4# Samsung Network Unlock Code (Worldwide)", "4.50", "1-6 Hours", "unlock"],
  [
    "1901",
    "Blacklist",
    "12-1# GSMA Blacklist Status Check (Worldwide) 🌍",
    "0.06",
    "Instant",
    "blacklist_check",
  ],
  [
    "1902",
    "Blacklist",
    "12-2# USA Blacklist Pro Check (Carrier + Financial)",
    "0.12",
    "Instant-5 Minutes",
    "blacklist_check",
  ],
  [
    "1903",
    "Blacklist",
    "12-3# UK Blacklist Check (Immobilise) 🇬🇧",
    "0.20",
    "Instant-5 Minutes",
    "blacklist_check",
  ],
  ["1904", "Blacklist", "12-4# Blacklist Removal Request (T-Mobile USA)", "45.00", "1-3 Days", "unlock"],
  ["2001", "Carrier Checks", "13-1# T-Mobile / Metro USA Status Check", "0.15", "Instant", "carrier_check"],
  [
    "2002",
    "Carrier Checks",
    "13-2# AT&T USA Clean/Unpaid/Blocked Check",
    "0.18",
    "Instant-5 Minutes",
    "carrier_check",
  ],
  ["2003", "Carrier Checks", "13-3# Verizon USA Status + Lost/Stolen", "0.15", "Instant", "carrier_check"],
  [
    "2004",
    "Carrier Checks",
    "13-4# Sprint USA Clean/Blocked Check",
    "0.10",
    "Instant-10 Minutes",
    "carrier_check",
  ],
  [
    "2101",
    "Apple Unlocks",
    "20-1# AT&T USA iPhone Unlock (Clean, Active Line) 🔓",
    "22.00",
    "1-24 Hours",
    "unlock",
  ],
  [
    "2102",
    "Apple Unlocks",
    "20-2# AT&T USA iPhone Premium Unlock (Unpaid / Blocked) 💎",
    "30.00",
    "1-3 Days",
    "unlock",
  ],
  ["2103", "Apple Unlocks", "20-3# T-Mobile USA iPhone Unlock (Clean) ⭐", "110.00", "1-3 Days", "unlock"],
  [
    "2104",
    "Apple Unlocks",
    "20-4# T-Mobile USA iPhone 15/16 Premium Unlock 🔥",
    "150.00",
    "1-3 Days",
    "unlock",
  ],
  ["2105", "Apple Unlocks", "20-5# Verizon USA iPhone Unlock (Clean)", "8.00", "1-6 Hours", "unlock"],
  ["2106", "Apple Unlocks", "20-6# Vodafone UK iPhone Unlock", "15.00", "1-3 Days", "unlock"],
  ["2107", "Apple Unlocks", "20-7# Japan Softbank/AU/Docomo iPhone Unlock 🇯🇵", "35.00", "1-3 Days", "unlock"],
  [
    "2201",
    "Carrier Unlocks",
    "21-1# Motorola Network Unlock Code (Worldwide)",
    "3.00",
    "1-12 Hours",
    "unlock",
  ],
  ["2202", "Carrier Unlocks", "21-2# LG Network Unlock Code (NCK)", "2.50", "1-12 Hours", "unlock"],
  ["2203", "Carrier Unlocks", "21-3# Huawei NCK (New Algo) 🔑", "1.80", "Instant-1 Hour", "unlock"],
  ["2204", "Carrier Unlocks", "21-4# Google Pixel Carrier Unlock (USA)", "40.00", "1-3 Days", "unlock"],
  ["2205", "Carrier Unlocks", "21-5# Cricket / Boost USA Device Unlock", "18.00", "1-24 Hours", "unlock"],
  ["2301", "Generic Checks", "30-1# Brand + Model Info (All Brands)", "0.03", "Instant", "blacklist_check"],
  [
    "2302",
    "Generic Checks",
    "30-2# Xiaomi Mi Account / Lock Status",
    "0.30",
    "Instant-5 Minutes",
    "carrier_check",
  ],
  [
    "2303",
    "Generic Checks",
    "30-3# Huawei Info + Warranty Check",
    "0.15",
    "Instant-5 Minutes",
    "samsung_check",
  ],
];

const MUST_READ: Record<string, string> = {
  "1739":
    '<p><b>Read before ordering:</b> works for all iPhone models.<br>Result in <span style="color:red">1-5 minutes</span>. No refund for wrong IMEI.</p>',
  "1743":
    '<p>Full GSX report. <a href="https://example.com/sample">Sample result</a></p><script>alert("xss")</script>',
  "2103":
    "<ul><li>Clean IMEI only</li><li>Not for blacklisted devices</li><li>No refund after submission</li></ul>",
  "2104":
    '<p onclick="steal()">Premium service. <img src="x" onerror="alert(1)">Please check status first.</p>',
  "1904": "<b>Only for devices reported lost by mistake.</b> Requires original owner&#39;s account.",
};

const FILE_ROWS: Array<[string, string, string, string, string]> = [
  ["501", "File Services", "40-1# Samsung EFS Repair File 📁", "5.00", "1-6 Hours"],
  ["502", "File Services", "40-2# Huawei Bootloader Code from Log File", "3.50", "1-12 Hours"],
  ["503", "File Services", "40-3# Nokia Calculation from RPL File", "2.00", "Instant-1 Hour"],
];

const SERVER_ROWS: Array<[string, string, string, string, string]> = [
  ["801", "Server Services", "50-1# Chimera Tool Credits (100) 🖥️", "25.00", "Instant"],
  ["802", "Server Services", "50-2# Z3X Samsung Pro Activation", "60.00", "1-24 Hours"],
  ["803", "Server Services", "50-3# Octoplus FRP Tool Activation (1 Year)", "19.50", "Instant-1 Hour"],
];

export const SANDBOX_SERVICES: readonly SandboxService[] = [
  ...IMEI_ROWS.map(([id, category, title, price, timeTaken, style]) => ({
    id,
    category,
    title,
    price,
    timeTaken,
    mustRead: MUST_READ[id] ?? `Delivery ${timeTaken}. Check the IMEI before ordering.`,
    kind: "imei" as const,
    style,
  })),
  ...FILE_ROWS.map(([id, category, title, price, timeTaken]) => ({
    id,
    category,
    title,
    price,
    timeTaken,
    mustRead: "Upload the file exactly as read from the device.",
    kind: "file" as const,
    style: "unlock" as const,
  })),
  ...SERVER_ROWS.map(([id, category, title, price, timeTaken]) => ({
    id,
    category,
    title,
    price,
    timeTaken,
    mustRead: "Enter the tool's user name in the notes.",
    kind: "server" as const,
    style: "unlock" as const,
  })),
];
