/**
 * Every progress stream ends, and nobody holds many: a draft's stream sends its progress and `draft`,
 * then closes; any stream closes after its lifetime (a reconnect continues the event ids); a user may
 * hold 10 streams open, an 11th is refused until one closes.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { appError } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, insertUser, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";
import { batchProgressStream, openBatchProgressStream } from "./events";
import { countOpenStreams, MAX_STREAMS_PER_USER } from "./stream-slots";

type Event = { name: string; id: string | undefined };

/** Reads a stream until it ends or `withinMs` passes; `ended` says which. */
async function readAll(stream: ReadableStream<Uint8Array>, withinMs: number) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<"late">((resolve) => setTimeout(() => resolve("late"), Math.max(1, deadline - Date.now()))),
    ]);
    if (next === "late") break;
    if (next.done) {
      ended = true;
      break;
    }
    text += decoder.decode(next.value, { stream: true });
  }
  if (!ended) await reader.cancel();
  const events: Event[] = text.split("\n\n").flatMap((block) => {
    const name = /^event: (.+)$/m.exec(block)?.[1];
    return name ? [{ name, id: /^id: (.+)$/m.exec(block)?.[1] }] : [];
  });
  return { ended, events };
}

describeEachDb("progress streams end and are bounded per user", (provider) => {
  let f: EngineFixture;
  let running: string;
  let seed = 950;

  beforeAll(async () => {
    f = await createEngineFixture(provider);
    // Confirmed, and no worker runs: the batch stays queued, its stream open.
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(2, seed++) });
    await confirmBatch(f.db, f.operator, draft.id);
    running = draft.id;
  });
  afterAll(async () => {
    await f?.close();
  });

  it("a draft's stream sends its progress and `draft`, then ends", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(1, seed++) });
    const stream = await openBatchProgressStream(f.db, f.operator, draft.id);
    const { ended, events } = await readAll(stream, 3_000);
    expect(ended).toBe(true);
    expect(events).toEqual([
      { name: "progress", id: "1" },
      { name: "draft", id: "2" },
    ]);
    expect(countOpenStreams(f.operator.id)).toBe(0);
  });

  it("a stream ends after its lifetime without `done`; a reconnect continues the event ids", async () => {
    const first = await readAll(
      batchProgressStream(f.db, f.operator, running, { intervalMs: 20, maxLifetimeMs: 300 }),
      3_000,
    );
    expect(first).toEqual({ ended: true, events: [{ name: "progress", id: "1" }] });
    const again = await readAll(
      batchProgressStream(f.db, f.operator, running, { intervalMs: 20, maxLifetimeMs: 300, lastEventId: 1 }),
      3_000,
    );
    expect(again).toEqual({ ended: true, events: [{ name: "progress", id: "2" }] });
  });

  it(`a user holds at most ${MAX_STREAMS_PER_USER} streams; the next is a 429 until one closes`, async () => {
    const user = await insertUser(f.db, "many-tabs@test.local", "admin");
    const streams: ReadableStream<Uint8Array>[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_USER; i += 1)
      streams.push(await openBatchProgressStream(f.db, user, running));
    expect(countOpenStreams(user.id)).toBe(MAX_STREAMS_PER_USER);

    const refused = await appError(openBatchProgressStream(f.db, user, running));
    expect(refused.code).toBe("rate_limited");
    expect(refused.status).toBe(429);
    expect(refused.message).toMatch(/already follow 10 batches live/);
    // Someone else is not affected, and an unknown batch is still a 404, not a 429.
    await (await openBatchProgressStream(f.db, f.admin, running)).cancel();
    expect((await appError(openBatchProgressStream(f.db, user, "nope"))).code).toBe("not_found");

    await streams.pop()!.cancel();
    expect(countOpenStreams(user.id)).toBe(MAX_STREAMS_PER_USER - 1);
    streams.push(await openBatchProgressStream(f.db, user, running));
    await Promise.all(streams.map((s) => s.cancel()));
    expect(countOpenStreams(user.id)).toBe(0);
  });

  it("a stream closed by its client's disconnect (abort) gives its slot back", async () => {
    const user = await insertUser(f.db, "one-tab@test.local", "admin");
    const controller = new AbortController();
    const stream = await openBatchProgressStream(f.db, user, running, { signal: controller.signal });
    const reading = readAll(stream, 3_000);
    expect(countOpenStreams(user.id)).toBe(1);
    controller.abort();
    expect((await reading).ended).toBe(true);
    expect(countOpenStreams(user.id)).toBe(0);
  });
});
