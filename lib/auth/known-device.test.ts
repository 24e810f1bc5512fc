import { describe, expect, it } from "vitest";
import {
  KNOWN_DEVICE_COOKIE,
  knownDeviceSetCookie,
  readKnownDevices,
  rememberDevice,
} from "@/lib/auth/known-device";

const SECRET = "known-device-test-secret-".padEnd(40, "k");
const DAY_MS = 24 * 60 * 60_000;

describe("known-device cookies", () => {
  it("remember a user's device, signed, and read it back", () => {
    const value = rememberDevice([], "user1", SECRET);
    const [entry] = readKnownDevices(value, SECRET);
    expect(entry).toMatchObject({ userId: "user1", deviceId: expect.stringMatching(/^[\w-]{16}$/) });
  });

  it("keep the device id when the same user signs in again, and hold several users", () => {
    const first = readKnownDevices(rememberDevice([], "user1", SECRET), SECRET);
    const second = readKnownDevices(rememberDevice(first, "user2", SECRET), SECRET);
    const again = readKnownDevices(rememberDevice(second, "user1", SECRET), SECRET);
    expect(again.map((e) => e.userId)).toEqual(["user1", "user2"]);
    expect(again[0]!.deviceId).toBe(first[0]!.deviceId);
    let many = again;
    for (let i = 3; i <= 8; i += 1) many = readKnownDevices(rememberDevice(many, `user${i}`, SECRET), SECRET);
    expect(many.map((e) => e.userId)).toEqual(["user8", "user7", "user6", "user5", "user4"]);
  });

  it("ignore a forged, re-signed, altered or expired entry", () => {
    const value = rememberDevice([], "user1", SECRET);
    expect(readKnownDevices(value, "another-secret-".padEnd(40, "x"))).toEqual([]);
    expect(readKnownDevices(value.replace("user1", "admin"), SECRET)).toEqual([]);
    expect(readKnownDevices("user1.device.1700000000.bogus", SECRET)).toEqual([]);
    expect(readKnownDevices("garbage", SECRET)).toEqual([]);
    expect(readKnownDevices(undefined, SECRET)).toEqual([]);
    const old = rememberDevice([], "user1", SECRET, new Date(Date.now() - 181 * DAY_MS));
    expect(readKnownDevices(old, SECRET)).toEqual([]);
  });

  it("are httpOnly, only sent to next-auth's endpoints, and Secure over https", () => {
    const cookie = knownDeviceSetCookie("v", false);
    expect(cookie).toMatch(new RegExp(`^${KNOWN_DEVICE_COOKIE}=v; `));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Path=/api/auth");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    expect(knownDeviceSetCookie("v", true)).toContain("; Secure");
  });
});
