import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import { normaliseEmail } from "../core/dashboard/access.js";
import { InputError, problem } from "../core/errors.js";
import { replyNote } from "../core/feedback/reply-text.js";
import { deliveryHash, verifiedReplyHash } from "../core/feedback/reply-token.js";

// `exec-intel inbox FILE.eml...`: replies to report emails become notes on the report (or on
// the section the reply's first line names). A reply is attached only when its Reply-To token
// verifies, names a delivery the ledger holds, and comes from the address that delivery went
// to; anything else is rejected with the reason and never attached.

type Env = Readonly<Record<string, string | undefined>>;

/** What became of one reply file. */
export type InboxOutcome =
  | {
      file: string;
      status: "attached";
      tenant: string;
      report: string;
      section?: string;
      id: number;
    }
  | { file: string; status: "rejected"; reason: string };

/** Reads reply messages and attaches the verified ones as annotations. */
export async function readReplies(
  workspace: string,
  env: Env,
  files: readonly string[],
  now: () => Date,
): Promise<InboxOutcome[]> {
  const config = await loadWorkspaceConfig(workspace, env);
  const secret = config.feedback === undefined ? undefined : env[config.feedback.secretEnv];
  if (config.feedback === undefined || secret === undefined || secret === "")
    throw new InputError([
      problem(
        "exec-intel.yaml",
        undefined,
        config.feedback === undefined
          ? "replies cannot be read: feedback is not configured"
          : `feedback.secretEnv names ${config.feedback.secretEnv}, which is not set`,
        "add feedback: { secretEnv: REPLY_TOKEN_SECRET } and transport.replyTo, and set the variable to the secret the reports were sent with",
      ),
    ]);
  const { simpleParser } = await import("mailparser");
  const { openSqliteLedger } = await import("../adapters/store/sqlite-store.js");
  const { openAnnotationStore } = await import("../adapters/store/session-store.js");
  const file = path.join(workspace, config.stateDir, "state.sqlite");
  const ledger = openSqliteLedger(file);
  const notes = openAnnotationStore(file);
  try {
    const byHash = new Map(ledger.rows().map((row) => [deliveryHash(row), row]));
    const outcomes: InboxOutcome[] = [];
    for (const name of files) {
      const reject = (reason: string) => outcomes.push({ file: name, status: "rejected", reason });
      const mail = await simpleParser(await readFile(name));
      const addresses = [mail.to, mail.cc]
        .flatMap((field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]))
        .flatMap((field) => field.value.map((v) => v.address ?? ""));
      const hash = addresses.map((a) => verifiedReplyHash(a, secret)).find((h) => h !== undefined);
      if (hash === undefined) {
        reject("no verifiable reply token in its To or Cc address");
        continue;
      }
      const row = byHash.get(hash);
      if (row === undefined || row.state !== "sent") {
        reject("its token names no report this workspace sent");
        continue;
      }
      const sender = normaliseEmail(mail.from?.value[0]?.address ?? "");
      if (sender !== normaliseEmail(row.recipient)) {
        reject(
          `it comes from ${sender || "no sender"}, not from ${row.recipient}, whom the report was sent to`,
        );
        continue;
      }
      const note = replyNote(mail.text ?? "");
      if (note.text === "") {
        reject("it says nothing above the quoted report");
        continue;
      }
      const saved = notes.add({
        tenant: row.tenant,
        period: row.period,
        role: row.report,
        ...(note.section !== undefined ? { section: note.section } : {}),
        author: row.recipient,
        via: "email",
        text: note.text.slice(0, 4000),
        at: (mail.date ?? now()).toISOString(),
      });
      outcomes.push({
        file: name,
        status: "attached",
        tenant: row.tenant,
        report: `${row.tenant}/${row.period}/${row.report}`,
        ...(note.section !== undefined ? { section: note.section } : {}),
        id: saved.id,
      });
    }
    return outcomes;
  } finally {
    ledger.close();
    notes.close();
  }
}

/** One line per reply: attached where, or rejected why. */
export function formatInbox(outcomes: readonly InboxOutcome[]): string {
  return `${outcomes
    .map((o) =>
      o.status === "attached"
        ? `attached  ${o.file} → ${o.report}${o.section !== undefined ? `#${o.section}` : ""} (note ${o.id})`
        : `rejected  ${o.file}: ${o.reason}`,
    )
    .join("\n")}\n`;
}
