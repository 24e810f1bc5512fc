/**
 * "Known device" cookies: after a successful sign-in the browser gets a signed, httpOnly cookie naming the
 * user and a random device id. A browser that shows one for the account being signed into has its own
 * failure budget, so strangers' failed guesses never lock the account's owner out of a browser they
 * signed in from before (OWASP's "device cookies" defence against lockout abuse). The cookie is no
 * credential: the password is still checked.
 */
import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const KNOWN_DEVICE_COOKIE = "imd-known-device";
const MAX_AGE_S = 180 * 24 * 60 * 60;
// Several people may share one shop computer; each keeps their entry.
const MAX_ENTRIES = 5;
const COOKIE_PATH = "/api/auth";

export type KnownDevice = { userId: string; deviceId: string; issuedAt: number };

function signingKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("imei-desk known-device cookie v1").digest();
}

function mac(secret: string, payload: string): string {
  return createHmac("sha256", signingKey(secret)).update(payload).digest("base64url");
}

function encodeEntry(entry: KnownDevice, secret: string): string {
  const payload = `${entry.userId}.${entry.deviceId}.${entry.issuedAt}`;
  return `${payload}.${mac(secret, payload)}`;
}

function decodeEntry(text: string, secret: string, nowS: number): KnownDevice | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const [userId, deviceId, issued, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(mac(secret, `${userId}.${deviceId}.${issued}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const issuedAt = Number(issued);
  if (!Number.isInteger(issuedAt) || issuedAt > nowS + 60 || nowS - issuedAt > MAX_AGE_S) return null;
  return { userId, deviceId, issuedAt };
}

/** The valid entries of a known-device cookie value (a missing, forged or expired one gives none). */
export function readKnownDevices(value: string | undefined, secret: string, now = new Date()): KnownDevice[] {
  if (!value || value.length > 2048) return [];
  const nowS = Math.floor(now.getTime() / 1000);
  return value
    .split("~")
    .slice(0, MAX_ENTRIES)
    .map((text) => decodeEntry(text, secret, nowS))
    .filter((entry): entry is KnownDevice => entry !== null);
}

/**
 * The cookie value after `userId` signed in: their entry first (same device id if they had one, so its
 * failure count carries over), renewed; the others kept up to the cap.
 */
export function rememberDevice(
  entries: KnownDevice[],
  userId: string,
  secret: string,
  now = new Date(),
): string {
  const own = entries.find((e) => e.userId === userId);
  const renewed: KnownDevice = {
    userId,
    deviceId: own?.deviceId ?? randomBytes(12).toString("base64url"),
    issuedAt: Math.floor(now.getTime() / 1000),
  };
  const others = entries.filter((e) => e.userId !== userId).slice(0, MAX_ENTRIES - 1);
  return [renewed, ...others].map((e) => encodeEntry(e, secret)).join("~");
}

/** The Set-Cookie header value. Sent only to next-auth's endpoints, never readable by scripts. */
export function knownDeviceSetCookie(value: string, secure: boolean): string {
  return [
    `${KNOWN_DEVICE_COOKIE}=${value}`,
    `Path=${COOKIE_PATH}`,
    `Max-Age=${MAX_AGE_S}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
