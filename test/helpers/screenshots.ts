import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";
import { expect } from "vitest";

// Reviewed screenshots: a page's screenshot is compared with the PNG a person looked at, stored
// halved and in grey. `UPDATE_SCREENSHOTS=1` rewrites the references; then look at every image.

const update = process.env.UPDATE_SCREENSHOTS === "1";
// pixelmatch's per-pixel colour threshold, and the share of pixels allowed to differ: room for
// anti-aliasing noise, not for a moved line of text.
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_RATIO = 0.005;
/** Rows of the (halved) image judged together. */
const BAND_ROWS = 50;

let diffDir: string | undefined;
/** A temp folder for diff images, created on the first mismatch. */
function diffFolder(): string {
  diffDir ??= mkdtempSync(path.join(tmpdir(), "exec-intel-screenshots-"));
  return diffDir;
}

/**
 * Halves a screenshot (2×2 box average). References are stored at half size in grey: ten
 * full-page colour PNGs added ~12 MB to git at every update, these ~3 MB, and a moved line, a
 * lost tile or a changed severity tag still shows.
 */
function halve(png: PNG): PNG {
  const width = Math.floor(png.width / 2);
  const height = Math.floor(png.height / 2);
  const out = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          sum += png.data[((2 * y + dy) * png.width + 2 * x + dx) * 4 + c] ?? 0;
        }
        out.data[o + c] = Math.round(sum / 4);
      }
    }
  }
  return out;
}

/** A screenshot as stored: halved, in grey, maximally compressed. */
function referenceImage(screenshot: Buffer): Buffer {
  const grey = PNG.sync.write(halve(PNG.sync.read(screenshot)), {
    deflateLevel: 9,
    colorType: 0,
  });
  // Read back so the comparison sees exactly what is stored.
  return PNG.sync.write(PNG.sync.read(grey), { deflateLevel: 9, colorType: 0 });
}

/** Compares a (halved) screenshot with its reference; returns a failure description or undefined. */
function compareScreenshot(
  name: string,
  expectedPng: Buffer,
  actualPng: Buffer,
): string | undefined {
  const expected = PNG.sync.read(expectedPng);
  const actual = PNG.sync.read(actualPng);
  const { width, height } = expected;
  if (actual.width !== width || actual.height !== height) {
    const file = path.join(diffFolder(), `${name}.actual.png`);
    writeFileSync(file, actualPng);
    return `${name}: size changed from ${width}x${height} to ${actual.width}x${actual.height}; new screenshot at ${file}`;
  }
  const diff = new PNG({ width, height });
  pixelmatch(expected.data, actual.data, diff.data, width, height, {
    threshold: PIXEL_THRESHOLD,
  });
  // Judged band by band: on a page 9,000 px tall a changed heading is far below any whole-page
  // share, but it fills its own band.
  const worst = worstBand(diff, width, height);
  if (worst.ratio <= MAX_DIFF_RATIO) return undefined;
  const file = path.join(diffFolder(), `${name}.diff.png`);
  writeFileSync(file, PNG.sync.write(diff));
  writeFileSync(path.join(diffFolder(), `${name}.actual.png`), actualPng);
  return `${name}: ${(worst.ratio * 100).toFixed(2)}% of pixels differ in rows ${worst.top}–${worst.top + BAND_ROWS} (allowed ${MAX_DIFF_RATIO * 100}%); diff at ${file}`;
}

/** The band of rows with the largest share of changed pixels (pixelmatch paints them red). */
function worstBand(diff: PNG, width: number, height: number): { top: number; ratio: number } {
  let worst = { top: 0, ratio: 0 };
  for (let top = 0; top < height; top += BAND_ROWS) {
    const rows = Math.min(BAND_ROWS, height - top);
    let changed = 0;
    for (let i = top * width * 4; i < (top + rows) * width * 4; i += 4) {
      if (diff.data[i] === 255 && diff.data[i + 1] === 0 && diff.data[i + 2] === 0) changed++;
    }
    const ratio = changed / (rows * width);
    if (ratio > worst.ratio) worst = { top, ratio };
  }
  return worst;
}

/** Expects `screenshot` to match the reviewed `folder/name.png` (written first with UPDATE_SCREENSHOTS=1). */
export function expectReviewedScreenshot(folder: string, name: string, screenshot: Buffer): void {
  const actual = referenceImage(screenshot);
  const file = path.join(folder, `${name}.png`);
  if (update) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `${file} is missing: run with UPDATE_SCREENSHOTS=1, then look`).toBe(
    true,
  );
  const failure = compareScreenshot(name, readFileSync(file), actual);
  expect(failure === undefined, failure).toBe(true);
}
