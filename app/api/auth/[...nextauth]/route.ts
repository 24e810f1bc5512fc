// GET/POST /api/auth/* — next-auth's sign-in, sign-out, session and CSRF endpoints
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

const handler = async (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => {
  const cookies: string[] = [];
  const response: Response = await NextAuth(getAuthOptions((cookie) => cookies.push(cookie)))(req, ctx);
  for (const cookie of cookies) response.headers.append("set-cookie", cookie);
  return response;
};

export { handler as GET, handler as POST };
