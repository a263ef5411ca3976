import { type Problem, problem } from "../../core/errors.js";

/** Decoded text of a file, or the problem that kept it from being text we can read. */
export type DecodeResult =
  | { text: string; problems: [] }
  | { text: undefined; problems: Problem[] };

const REEXPORT =
  "re-export the file as UTF-8 (most tools offer 'CSV UTF-8'), or set `encoding: latin1` on the source";

/**
 * Decodes file bytes strictly: a UTF-8 BOM is dropped, UTF-16 and invalid UTF-8 are refused
 * with the line where decoding failed, so mojibake never reaches a report.
 */
export function decodeText(
  bytes: Uint8Array,
  encoding: "utf8" | "latin1",
  file: string,
): DecodeResult {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail(
      problem(
        file,
        1,
        "file is UTF-16 encoded (it starts with a UTF-16 byte-order mark)",
        "re-export the file as UTF-8",
      ),
    );
  }
  if (encoding === "latin1") return { text: new TextDecoder("latin1").decode(bytes), problems: [] };
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(body), problems: [] };
  } catch {
    const { line, column } = firstInvalidUtf8(body);
    return fail(
      problem(file, line, "file is not valid UTF-8 (mixed or legacy encoding)", REEXPORT, column),
    );
  }
}

/** Finds the 1-based line and column of the first byte that breaks UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) break;
    let valid = true;
    for (let k = 1; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) valid = false;
    if (!valid) break;
    if (byte === 0x0a) {
      line++;
      column = 1;
    } else column++;
    i += length;
  }
  return { line, column };
}

function fail(p: Problem): DecodeResult {
  return { text: undefined, problems: [p] };
}
