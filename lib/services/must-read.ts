/**
 * Sanitises a service's MustRead notes for display. The client already sanitised them when it read the
 * catalogue, but the page sanitises again, stricter, so that it never depends on another module's
 * guarantee: basic formatting only, no scripts, styles, event handlers, images or frames; links open in
 * a new tab with rel=noopener.
 */
import sanitizeHtml from "sanitize-html";

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "br",
    "p",
    "span",
    "ul",
    "ol",
    "li",
    "a",
    "code",
  ],
  allowedAttributes: { a: ["href", "rel", "target"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (_tagName, attribs) => ({
      tagName: "a",
      attribs: {
        ...(attribs.href ? { href: attribs.href } : {}),
        rel: "noopener noreferrer nofollow",
        target: "_blank",
      },
    }),
  },
};

/** Returns HTML that is safe to put into the page. */
export function sanitizeMustRead(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** True when the notes hold any visible text once tags are removed. */
export function hasMustReadText(html: string): boolean {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).trim().length > 0;
}
