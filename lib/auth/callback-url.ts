/**
 * Where to go after signing in. A callbackUrl comes from the address bar, so it is parsed the way the
 * browser will parse it (backslashes, tabs and newlines included: `/\evil` and `/<tab>/evil` are
 * `//evil`) and followed only when it stays on this origin. Browser-safe: the login form uses it too.
 */

/** The same-origin path (with query and hash) `raw` leads to, or "/" for anything else. */
export function safeCallbackPath(raw: string | null | undefined, origin: string): string {
  if (!raw) return "/";
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(raw, base);
  } catch {
    return "/";
  }
  if (target.origin !== base.origin) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // A path such as "/.//evil" normalises to "//evil", which a browser would read as another host.
  return path.startsWith("//") ? "/" : path;
}
