// A small RFC 4180 reader and writer for the growth benchmark's data scaling: keeps a file's
// UTF-8 BOM and line ending, quotes a cell only when it must (comma, quote or line break).

/** Parses CSV text into { bom, eol, header: string[], rows: string[][] }. */
export function parseCsv(text) {
  const bom = text.startsWith("\uFEFF");
  const body = bom ? text.slice(1) : text;
  const eol = body.includes("\r\n") ? "\r\n" : "\n";
  const records = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(cell);
      records.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    records.push(row);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ""));
  const [header = [], ...rows] = nonEmpty;
  return { bom, eol, header, rows };
}

const quote = (cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** Writes { bom, eol, header, rows } back to CSV text, with a final line ending. */
export function formatCsv({ bom, eol, header, rows }) {
  const lines = [header, ...rows].map((r) => r.map(quote).join(","));
  return `${bom ? "\uFEFF" : ""}${lines.join(eol)}${eol}`;
}
