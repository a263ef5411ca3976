import { readFileSync } from "node:fs";

// Advance widths read straight from a TrueType file (cmap format 4 + hmtx), so the chart layout
// measures text in the font the PNG is drawn with, not in a guess or in whatever fonts the
// machine has. Kerning is ignored: it moves DejaVu text by a percent or two at most.

/** Widths of a font's characters, in em. */
export interface FontMetrics {
  /** Width of a string in em (multiply by the font size for pixels). */
  width(text: string): number;
}

/** Reads a TrueType font's horizontal metrics; throws on a file that is not one. */
export function readFontMetrics(file: string): FontMetrics {
  const data = readFileSync(file);
  const tables = tableOffsets(data, file);
  const unitsPerEm = data.readUInt16BE(tables.head + 18);
  const metricCount = data.readUInt16BE(tables.hhea + 34);
  const advance = (glyph: number) =>
    data.readUInt16BE(tables.hmtx + 4 * Math.min(glyph, metricCount - 1));
  const glyphOf = cmapLookup(data, tables.cmap, file);
  const cache = new Map<number, number>();
  const charWidth = (code: number) => {
    let width = cache.get(code);
    if (width === undefined) {
      width = advance(glyphOf(code)) / unitsPerEm;
      cache.set(code, width);
    }
    return width;
  };
  return {
    width(text) {
      let sum = 0;
      for (const char of text) sum += charWidth(char.codePointAt(0) ?? 0);
      return sum;
    },
  };
}

/** Offsets of the tables the metrics need. */
function tableOffsets(
  data: Buffer,
  file: string,
): Record<"head" | "hhea" | "hmtx" | "cmap", number> {
  const count = data.readUInt16BE(4);
  const found = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    found.set(data.toString("latin1", record, record + 4), data.readUInt32BE(record + 8));
  }
  const offset = (tag: string) => {
    const at = found.get(tag);
    if (at === undefined) throw new Error(`${file} is not a TrueType font with a ${tag} table`);
    return at;
  };
  return { head: offset("head"), hhea: offset("hhea"), hmtx: offset("hmtx"), cmap: offset("cmap") };
}

/** Character code → glyph id through the font's Unicode BMP cmap (format 4); glyph 0 when unmapped. */
function cmapLookup(data: Buffer, cmap: number, file: string): (code: number) => number {
  const count = data.readUInt16BE(cmap + 2);
  let subtable: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = data.readUInt16BE(record);
    const encoding = data.readUInt16BE(record + 2);
    const at = cmap + data.readUInt32BE(record + 4);
    if (data.readUInt16BE(at) !== 4) continue;
    if ((platform === 3 && encoding === 1) || platform === 0) subtable = at;
  }
  if (subtable === undefined) throw new Error(`${file} has no Unicode format-4 cmap`);
  const table = subtable;
  const segments = data.readUInt16BE(table + 6) / 2;
  const ends = table + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (code) => {
    if (code > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (code > data.readUInt16BE(ends + 2 * s)) continue;
      const start = data.readUInt16BE(starts + 2 * s);
      if (code < start) return 0;
      const delta = data.readUInt16BE(deltas + 2 * s);
      const rangeAt = rangeOffsets + 2 * s;
      const range = data.readUInt16BE(rangeAt);
      if (range === 0) return (code + delta) & 0xffff;
      const glyph = data.readUInt16BE(rangeAt + range + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
