import { BatchView } from "@/components/batches/batch-view";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params) {
  const { id } = await params;
  return { title: `Batch ${id}` };
}

// The batch is followed live in the browser (server-sent events), so the page only hands over the id.
export default async function BatchPage({ params }: Params) {
  const { id } = await params;
  return <BatchView id={id} />;
}
