// Parses and checks a big upload off the main thread, so a 20,000-line file does not freeze the page.
import { previewImeiText, type LocalPreview } from "./preview";

export type PreviewRequest = { id: number; text: string };
export type PreviewResponse = { id: number; preview: LocalPreview };

// The project compiles with the DOM library, not the WebWorker one; this is the part of the worker scope used.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PreviewRequest>) => void) | null;
  postMessage: (message: PreviewResponse) => void;
};

scope.onmessage = (event) => {
  const { id, text } = event.data;
  scope.postMessage({ id, preview: previewImeiText(text) });
};
