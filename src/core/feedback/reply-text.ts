// What a person wrote in a reply, without what their mail client added: the quoted report
// below an "On … wrote:" line or ">" lines, an "Original Message" block, and the signature
// after "-- ". A first line naming a section ("Section: burn-rate" or "#burn-rate") says where
// the note belongs.

/** The reply's own words and, when its first line names one, the section it is about. */
export function replyNote(text: string): { text: string; section?: string } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const own: string[] = [];
  for (const line of lines) {
    if (/^-- ?$/.test(line)) break;
    if (/^On .+ wrote:\s*$/.test(line) || /^-{2,}\s*Original Message\s*-{2,}/i.test(line)) break;
    if (/^From: .+/.test(line) && own.some((l) => l.trim() === "")) break;
    if (line.startsWith(">")) continue;
    own.push(line);
  }
  const body = own.join("\n").trim();
  const [first = "", ...rest] = body.split("\n");
  const named = /^(?:section:\s*|#)([a-z0-9-]+)\s*$/i.exec(first.trim());
  if (named?.[1] === undefined) return { text: body };
  return { text: rest.join("\n").trim(), section: named[1].toLowerCase() };
}
