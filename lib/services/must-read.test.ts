import { describe, expect, it } from "vitest";
import { hasMustReadText, sanitizeMustRead } from "./must-read";

describe("sanitizeMustRead", () => {
  it("keeps basic formatting", () => {
    const html =
      "<p><b>Read before ordering:</b> works for all iPhone models.<br />No refund.</p><ul><li>Clean only</li></ul>";
    expect(sanitizeMustRead(html)).toBe(html);
  });

  it("drops scripts with their content, styles, iframes and images", () => {
    const out = sanitizeMustRead(
      '<p>Full report.</p><script>window.__pwned = 1</script><style>p{display:none}</style><iframe src="https://evil.example"></iframe><img src="x" onerror="alert(1)">',
    );
    expect(out).toBe("<p>Full report.</p>");
  });

  it("drops event handlers and style attributes but keeps the text", () => {
    expect(sanitizeMustRead('<p onclick="steal()">Premium <span style="color:red">service</span>.</p>')).toBe(
      "<p>Premium <span>service</span>.</p>",
    );
  });

  it("makes links safe: http(s) only, rel=noopener, new tab", () => {
    expect(sanitizeMustRead('<a href="https://example.com/sample" onclick="x()">Sample</a>')).toBe(
      '<a href="https://example.com/sample" rel="noopener noreferrer nofollow" target="_blank">Sample</a>',
    );
    expect(sanitizeMustRead('<a href="javascript:alert(1)">x</a>')).toBe(
      '<a rel="noopener noreferrer nofollow" target="_blank">x</a>',
    );
    expect(sanitizeMustRead('<a href="//evil.example/">x</a>')).not.toContain("evil.example");
  });

  it("keeps entities as text, not markup", () => {
    expect(sanitizeMustRead("Owner&#39;s account &lt;script&gt;")).toBe("Owner's account &lt;script&gt;");
  });
});

describe("hasMustReadText", () => {
  it("is false for empty or tag-only notes", () => {
    expect(hasMustReadText("")).toBe(false);
    expect(hasMustReadText("<p> </p><br>")).toBe(false);
    expect(hasMustReadText("<script>x</script>")).toBe(false);
    expect(hasMustReadText("<b>Clean IMEI only</b>")).toBe(true);
  });
});
