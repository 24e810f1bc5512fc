// Every page and API requires a session or a bearer token, except the login page, next-auth's own
// endpoints and the health check. Pages redirect to /login; APIs answer 401 JSON. (Next 16 renamed
// middleware.ts to proxy.ts.) Bearer tokens are checked against the database by the route handler.
// Every answer that passes here gets the security headers (lib/security-headers.ts), pages a CSP nonce.
import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { bearerToken, sessionUserId } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { API_CSP, pageCsp, STATIC_SECURITY_HEADERS } from "@/lib/security-headers";

const PUBLIC_PATHS = [/^\/login$/, /^\/api\/auth\//, /^\/api\/health$/];

function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  const nonce = isApi ? null : randomBytes(16).toString("base64");
  const csp = nonce ? pageCsp(nonce, getEnv().nodeEnv === "development") : API_CSP;
  const pass = () => {
    if (!nonce) return withSecurityHeaders(NextResponse.next(), csp);
    // Next.js takes the nonce for its scripts from the request's CSP header.
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    headers.set("x-nonce", nonce);
    return withSecurityHeaders(NextResponse.next({ request: { headers } }), csp);
  };

  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return pass();
  if (isApi && bearerToken(request.headers)) return pass();
  if (await sessionUserId(request.headers)) return pass();
  if (isApi) {
    const unauthorized = NextResponse.json(
      { error: { code: "unauthorized", message: "Sign in, or send Authorization: Bearer <token>." } },
      { status: 401 },
    );
    return withSecurityHeaders(unauthorized, csp);
  }
  const login = new URL("/login", request.url);
  const back = safeCallbackPath(pathname + search, request.nextUrl.origin);
  if (back !== "/") login.searchParams.set("callbackUrl", back);
  return withSecurityHeaders(NextResponse.redirect(login), csp);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
