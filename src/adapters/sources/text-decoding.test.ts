import { describe, expect, it } from "vitest";
import { decodeText } from "./text-decoding.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))),
  );

describe("decodeText", () => {
  it("drops a UTF-8 byte-order mark", () => {
    expect(decodeText(bytes([0xef, 0xbb, 0xbf], "Date,Amount\n"), "utf8", "f.csv")).toEqual({
      text: "Date,Amount\n",
      problems: [],
    });
  });

  it("refuses UTF-16 with a clear fix", () => {
    const result = decodeText(bytes([0xff, 0xfe], [0x44, 0x00]), "utf8", "f.csv");
    expect(result.problems).toMatchObject([
      { file: "f.csv", line: 1, message: expect.stringContaining("UTF-16") },
    ]);
  });

  it("locates the first byte that is not UTF-8", () => {
    const result = decodeText(bytes("a,b\nCaf", [0xe9], " Mocha,1\n"), "utf8", "f.csv");
    expect(result.text).toBeUndefined();
    expect(result.problems).toMatchObject([
      { line: 2, column: 4, message: expect.stringContaining("not valid UTF-8") },
    ]);
  });

  it("reads latin1 when the source says so", () => {
    expect(decodeText(bytes("Caf", [0xe9]), "latin1", "f.csv").text).toBe("Café");
  });

  it("accepts multi-byte UTF-8", () => {
    expect(decodeText(bytes("Café ⛵ 🚢\n"), "utf8", "f.csv").text).toBe("Café ⛵ 🚢\n");
  });
});
