/** next-auth configuration: email + password, JWT sessions, the role carried in the token. */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { safeCallbackPath } from "./callback-url";
import { clientAddress } from "./client-address";
import { KNOWN_DEVICE_COOKIE, knownDeviceSetCookie, readKnownDevices, rememberDevice } from "./known-device";
import { verifyCredentials } from "./login";
import { readCookie } from "./session";
import type { Role } from "./users";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

type RequestHeaders = Record<string, string | string[] | undefined> | undefined;

function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Cookies need Secure when people reach the app over https (directly, or through a trusted proxy). */
function isHttps(headers: RequestHeaders): boolean {
  const origin = getEnv().auth.publicOrigin;
  if (origin) return origin.startsWith("https://");
  return headerValue(headers, "x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/**
 * @param setCookie receives Set-Cookie values for the response (the known-device cookie after a
 *   successful sign-in); the route handler appends them.
 */
export function getAuthOptions(setCookie: (value: string) => void = () => undefined): NextAuthOptions {
  const { authSecret } = getEnv();
  return {
    secret: authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) throw new Error("Enter your email and password.");
          const headers = req?.headers as RequestHeaders;
          const knownDevices = readKnownDevices(
            readCookie(headerValue(headers, "cookie"), KNOWN_DEVICE_COOKIE),
            authSecret,
          );
          const result = await verifyCredentials(await getDb(), {
            email: credentials.email,
            password: credentials.password,
            ip: clientAddress(headers),
            knownDevices,
          });
          // The message becomes the login page's error text.
          if (!result.ok) throw new Error(result.message);
          setCookie(
            knownDeviceSetCookie(rememberDevice(knownDevices, result.user.id, authSecret), isHttps(headers)),
          );
          return result.user;
        },
      }),
    ],
    callbacks: {
      // Every redirect next-auth makes (after sign-in or sign-out) stays on this origin.
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
      },
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = (user as { role?: Role }).role;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          (session.user as { id?: unknown }).id = token.uid;
          (session.user as { role?: unknown }).role = token.role;
        }
        return session;
      },
    },
  };
}
