import { BatchView } from "@/components/batches/batch-view";
import { loadOrNotFound, requireUser } from "@/lib/auth/current";
import { canActOn, findBatchFor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params) {
  const { id } = await params;
  return { title: `Batch ${id}` };
}

// The batch is followed live in the browser (server-sent events); the page checks who may see it (another's
// batch is the 404 page) and whether they may cancel it and resolve its orders. No loading.tsx here: a
// streamed page has sent its 200 before notFound() could make it a 404.
export default async function BatchPage({ params }: Params) {
  const { id } = await params;
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const batch = await loadOrNotFound(findBatchFor(db, user, id, "see"));
  return <BatchView id={id} canAct={canActOn(user, batch.ownerId)} />;
}
