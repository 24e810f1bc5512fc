import { hasMustReadText, sanitizeMustRead } from "@/lib/services/must-read";

/**
 * A service's MustRead notes behind a disclosure. The HTML is sanitised here, at render, even though the
 * client sanitised it when reading the catalogue: the page does not rely on anyone else's guarantee.
 */
export function MustRead({ html }: { html: string }) {
  const safeHtml = sanitizeMustRead(html);
  if (!hasMustReadText(safeHtml)) return <span className="text-slate-400">—</span>;
  return (
    <details className="max-w-sm">
      <summary className="cursor-pointer text-sm font-medium whitespace-nowrap text-indigo-700 hover:text-indigo-500">
        Must read
      </summary>
      <div
        className="mt-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs leading-relaxed text-slate-800 [&_a]:text-indigo-700 [&_a]:underline [&_li]:ml-4 [&_ol]:list-decimal [&_p]:mb-1 [&_ul]:list-disc"
        dangerouslySetInnerHTML={{ __html: safeHtml }}
      />
    </details>
  );
}
