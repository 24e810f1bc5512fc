import { describe, expect, it } from "vitest";
import { extractImeiLines, MAX_LINES } from "./csv";
import { checkImei, luhnCheckDigit } from "./imei";

const A = "353979106673567";
const B = "356938035643809";
const C = "490154203237518";

/** The n-th valid IMEI of a made-up TAC, for big inputs. */
function imeiNo(n: number): string {
  const body = `35000000${String(n).padStart(6, "0")}`;
  return `${body}${luhnCheckDigit(body)}`;
}

describe("extractImeiLines: plain lists", () => {
  it("reads one IMEI per line, skipping blank lines, with physical line numbers", () => {
    const result = extractImeiLines(`${A}\n\n${B}\n   \n${C}\n`);
    expect(result).toEqual({
      lines: [
        { line: 1, value: A },
        { line: 3, value: B },
        { line: 5, value: C },
      ],
      problems: [],
      column: null,
    });
  });

  it("handles a BOM, Windows and old Mac line endings", () => {
    expect(extractImeiLines(`\uFEFF${A}\r\n\r\n${B}\r\n`).lines).toEqual([
      { line: 1, value: A },
      { line: 3, value: B },
    ]);
    expect(extractImeiLines(`${A}\r${B}\r\r${C}`).lines.map((l) => l.line)).toEqual([1, 2, 4]);
  });

  it("keeps leading blank lines in the count", () => {
    expect(extractImeiLines(`\n\n${A}\n`).lines).toEqual([{ line: 3, value: A }]);
  });

  it("trims stray spaces and the empty cells a spreadsheet adds around a single column", () => {
    expect(extractImeiLines(`  ${A}  \n${B};;\n,${C},\n;;\n`).lines).toEqual([
      { line: 1, value: A },
      { line: 2, value: B },
      { line: 3, value: C },
    ]);
  });

  it("keeps an IMEI written in groups, or in a spreadsheet's exponent form, as one value", () => {
    const result = extractImeiLines(`35 397910 667356 7\n35-397910-667356-7\n3,53979E+14\n3.53979E+14\n`);
    expect(result.lines.map((l) => l.value)).toEqual([
      "35 397910 667356 7",
      "35-397910-667356-7",
      "3,53979E+14",
      "3.53979E+14",
    ]);
    expect(result.problems).toEqual([]);
  });

  it("splits a pasted line of several whole IMEIs, keeping its line number for each", () => {
    const result = extractImeiLines(`${A}, ${B}; ${C}\n${A} ${B}\n${C}\t${A}`);
    expect(result.lines).toEqual([
      { line: 1, value: A },
      { line: 1, value: B },
      { line: 1, value: C },
      { line: 2, value: A },
      { line: 2, value: B },
      { line: 3, value: C },
      { line: 3, value: A },
    ]);
    expect(result.column).toBeNull();
  });

  it("keeps quoted values for checkImei to unwrap", () => {
    const result = extractImeiLines(`"${A}"\n'${B}\n`);
    expect(result.lines.map((l) => checkImei(l.value))).toEqual([
      { ok: true, imei: A },
      { ok: true, imei: B },
    ]);
  });

  it("treats a single column without an imei header as a list; the header line is then an (invalid) value", () => {
    const result = extractImeiLines(`Serial\n${A}\n${B}\n`);
    expect(result.column).toBeNull();
    expect(result.lines).toEqual([
      { line: 1, value: "Serial" },
      { line: 2, value: A },
      { line: 3, value: B },
    ]);
    expect(checkImei(result.lines[0]!.value).ok).toBe(false);
  });

  it("passes junk lines through for checkImei to explain", () => {
    const result = extractImeiLines(`${A}\nnot an imei\n${A.slice(0, 14)}\n`);
    expect(result.lines.map((l) => [l.line, l.value])).toEqual([
      [1, A],
      [2, "not an imei"],
      [3, A.slice(0, 14)],
    ]);
  });
});

describe("extractImeiLines: CSV with a header", () => {
  it("reads the imei column of a semicolon CSV with quoted values; the header is line 1", () => {
    const text = `IMEI;Note\r\n${A};first\r\n"${B}";"second; with a separator"\r\n\r\n${C};third\r\n`;
    expect(extractImeiLines(text)).toEqual({
      lines: [
        { line: 2, value: A },
        { line: 3, value: B },
        { line: 5, value: C },
      ],
      problems: [],
      column: "IMEI",
    });
  });

  it("reads comma and tab separated files", () => {
    expect(extractImeiLines(`note,imei\nx,${A}\ny,${B}`).lines).toEqual([
      { line: 2, value: A },
      { line: 3, value: B },
    ]);
    const tab = extractImeiLines(`Note\tImei Number\tModel\nx\t${A}\tiPhone 12\n`);
    expect(tab.column).toBe("Imei Number");
    expect(tab.lines).toEqual([{ line: 2, value: A }]);
  });

  it("counts the physical lines of a quoted value that spans lines", () => {
    const text = `imei,note\n${A},"two\nlines"\n${B},"three\r\nline\r\nnote"\n${C},x\n`;
    expect(extractImeiLines(text).lines).toEqual([
      { line: 2, value: A },
      { line: 4, value: B },
      { line: 7, value: C },
    ]);
  });

  it("skips blank lines before the header and counts them", () => {
    const result = extractImeiLines(`\n\nimei;note\n${A};x\n`);
    expect(result.column).toBe("imei");
    expect(result.lines).toEqual([{ line: 4, value: A }]);
  });

  it.each([
    ["IMEI", "IMEI"],
    ["imei", "imei"],
    ["IMEI NO.", "IMEI NO."],
    ["Imei Number", "Imei Number"],
    [" imei ", "imei"],
  ])("finds the column named %j", (name, column) => {
    const result = extractImeiLines(`Model;${name};Note\niPhone;${A};x\n`);
    expect(result.column).toBe(column);
    expect(result.lines).toEqual([{ line: 2, value: A }]);
  });

  it("prefers the exact `imei` column over one that only contains it, and never IMEI 2 over a plain one", () => {
    expect(extractImeiLines(`IMEI NO.,imei\n${B},${A}\n`).lines[0]?.value).toBe(A);
    expect(extractImeiLines(`IMEI 2,IMEI NO.\n${B},${A}\n`).lines[0]?.value).toBe(A);
    expect(extractImeiLines(`imei2;imei\n${B};${A}\n`).lines[0]?.value).toBe(A);
    expect(extractImeiLines(`IMEI 2;IMEI 1\n${B};${A}\n`).lines[0]?.value).toBe(A);
    expect(extractImeiLines(`IMEISV;IMEI Number\n${B}0;${A}\n`).lines[0]?.value).toBe(A);
  });

  it("uses IMEI 2 when it is the only IMEI column", () => {
    const result = extractImeiLines(`Model,IMEI 2\niPhone,${B}\n`);
    expect(result.column).toBe("IMEI 2");
    expect(result.lines).toEqual([{ line: 2, value: B }]);
  });

  it("reads the site's Advanced Export", () => {
    const text = [
      "SERVICE, IMEI NO., CREDITS, STATUS, CODE, IMEI 2, CARRIER, SIMLOCK, MODEL, FMI, ORDER DATE",
      `"10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI, Hot", ${A}, $0.08, Completed, "Model: iPhone 12 - Carrier: AT&T - SimLock: Locked", ${B}, AT&T, Locked, iPhone 12, ON, 2025-11-02 10:11`,
      `"10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI, Hot", ${C}, $0.08, Rejected, "", , , , , , 2025-11-02 10:12`,
      "",
    ].join("\r\n");
    expect(extractImeiLines(text)).toEqual({
      lines: [
        { line: 2, value: A },
        { line: 3, value: C },
      ],
      problems: [],
      column: "IMEI NO.",
    });
  });

  it("a single `imei` column reads like a list with a header", () => {
    const result = extractImeiLines(`IMEI\n${A}\n\n3,53979E+14\n${B};\n`);
    expect(result.column).toBe("IMEI");
    expect(result.lines).toEqual([
      { line: 2, value: A },
      { line: 4, value: "3,53979E+14" },
      { line: 5, value: B },
    ]);
  });

  it("keeps an empty IMEI cell of a row that has other data, so it is reported, and skips empty rows", () => {
    const result = extractImeiLines(`imei;note\n;forgot the imei\n;\n${A};x\n`);
    expect(result.lines).toEqual([
      { line: 2, value: "" },
      { line: 4, value: A },
    ]);
  });

  it("reports an unclosed quote with its line", () => {
    const result = extractImeiLines(`imei,note\n${A},ok\n${B},"never closed\n${C},x\n`);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ line: 3, message: expect.stringContaining("never closed") });
    expect(result.lines[0]).toEqual({ line: 2, value: A });
  });

  it("says when the header has no rows under it", () => {
    expect(extractImeiLines("imei;note\n\n")).toEqual({
      lines: [],
      problems: [{ line: 1, message: 'the "imei" column has no IMEIs: the file has a header but no rows' }],
      column: null,
    });
    expect(extractImeiLines("IMEI\n").problems[0]?.message).toBe('the "IMEI" column has no IMEIs');
  });
});

describe("extractImeiLines: inputs it cannot use", () => {
  it("names the columns it found when none is an imei column", () => {
    expect(extractImeiLines("a,b,c\n1,2,3\n")).toEqual({
      lines: [],
      problems: [
        {
          line: 1,
          message: 'no imei column; found: a, b, c. Name the IMEI column "imei", or upload one IMEI per line',
        },
      ],
      column: null,
    });
    expect(extractImeiLines("Serial;Model\nx;y").problems[0]?.message).toMatch(
      /^no imei column; found: Serial, Model\./,
    );
  });

  it("says a header line is missing when the first line is data with other columns", () => {
    const result = extractImeiLines(`\n${A};iPhone 12\n${B};iPhone 13\n`);
    expect(result.lines).toEqual([]);
    expect(result.problems).toEqual([
      { line: 2, message: expect.stringMatching(/^no imei column: the first line .* looks like data/) },
    ]);
  });

  it("says the input is empty", () => {
    for (const text of ["", "\uFEFF", "\n\n  \r\n", ";;;\n"]) {
      expect(extractImeiLines(text)).toEqual({
        lines: [],
        problems: [{ line: 1, message: "no IMEIs found: the input is empty" }],
        column: null,
      });
    }
  });
});

describe("extractImeiLines: size", () => {
  it(`reads ${MAX_LINES.toLocaleString("en-US")} lines quickly, as a list and as a CSV`, () => {
    const imeis = Array.from({ length: MAX_LINES }, (_, i) => imeiNo(i));
    const list = imeis.join("\r\n");
    const csv = `"SERVICE","IMEI NO.","CREDITS","STATUS","CODE","IMEI 2"\n${imeis.map((imei) => `"Apple check, hot","${imei}","$0.08","Completed","Model: iPhone - FMI: ON",""`).join("\n")}\n`;

    for (const [text, firstLine] of [
      [list, 1],
      [csv, 2],
    ] as const) {
      const started = performance.now();
      const result = extractImeiLines(text);
      const elapsed = performance.now() - started;
      expect(result.problems).toEqual([]);
      expect(result.lines).toHaveLength(MAX_LINES);
      expect(result.lines[0]).toEqual({ line: firstLine, value: imeis[0] });
      expect(result.lines.at(-1)).toEqual({ line: firstLine + MAX_LINES - 1, value: imeis.at(-1) });
      expect(elapsed).toBeLessThan(1_000);
    }
  });

  it("refuses more than MAX_LINES IMEIs with one problem naming the first line over the limit", () => {
    const imeis = Array.from({ length: MAX_LINES + 5 }, (_, i) => imeiNo(i));
    const list = extractImeiLines(`\n${imeis.join("\n")}`);
    expect(list.lines).toEqual([]);
    expect(list.problems).toEqual([
      {
        line: MAX_LINES + 2,
        message: `more than 20,000 IMEIs (line ${MAX_LINES + 2} holds number 20,001); a batch takes at most 20,000, so split the file`,
      },
    ]);

    const csv = extractImeiLines(`imei;note\n${imeis.map((i) => `${i};x`).join("\n")}`);
    expect(csv.lines).toEqual([]);
    expect(csv.problems[0]?.line).toBe(MAX_LINES + 2);
  });

  it("accepts exactly MAX_LINES IMEIs", () => {
    const imeis = Array.from({ length: MAX_LINES }, (_, i) => imeiNo(i));
    expect(extractImeiLines(imeis.join("\n")).lines).toHaveLength(MAX_LINES);
  });
});
