// Runs once when the Next.js server starts. The work is Node.js-only (database, order engine), so it is
// loaded only on that runtime and the Edge build never sees it.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("@/lib/server-start");
    await startServer();
  }
}
