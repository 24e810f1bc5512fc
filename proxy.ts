// Every page and API requires a session or a bearer token, except the login page, next-auth's own
// endpoints and the health check. Pages redirect to /login; APIs answer 401 JSON. (Next 16 renamed
// middleware.ts to proxy.ts.) Bearer tokens are checked against the database by the route handler.
import { NextResponse, type NextRequest } from "next/server";
import { bearerToken, sessionUserId } from "@/lib/auth/session";

const PUBLIC_PATHS = [/^\/login$/, /^\/api\/auth\//, /^\/api\/health$/];

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return NextResponse.next();
  const isApi = pathname.startsWith("/api/");
  if (isApi && bearerToken(request.headers)) return NextResponse.next();
  if (await sessionUserId(request.headers)) return NextResponse.next();
  if (isApi) {
    return NextResponse.json(
      { error: { code: "unauthorized", message: "Sign in, or send Authorization: Bearer <token>." } },
      { status: 401 },
    );
  }
  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
