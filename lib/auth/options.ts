/** next-auth configuration: email + password, JWT sessions, the role carried in the token. */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { verifyCredentials, type Role } from "./users";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

function clientIp(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  const forwarded = headers?.["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  const real = headers?.["x-real-ip"];
  return first || (typeof real === "string" ? real : null) || null;
}

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getEnv().authSecret,
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
          const result = await verifyCredentials(
            await getDb(),
            credentials.email,
            credentials.password,
            clientIp(req?.headers as Record<string, string> | undefined),
          );
          // The message becomes the login page's error text.
          if (!result.ok) throw new Error(result.message);
          return result.user;
        },
      }),
    ],
    callbacks: {
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
