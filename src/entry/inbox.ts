import { readFile } from "node:fs/promises";
import path from "node:path";
import { commonJsExports } from "../adapters/commonjs-exports.js";
import { loadWorkspaceConfig } from "../adapters/workspace/config-file.js";
import type { Config } from "../core/config.js";
import { normaliseEmail } from "../core/dashboard/access.js";
import type { AnnotationStore } from "../core/dashboard/ports.js";
import type { DeliveryRow } from "../core/deliver/ports.js";
import { InputError, problem } from "../core/errors.js";
import { replyNote } from "../core/feedback/reply-text.js";
import { deliveryHash, verifiedReplyHash } from "../core/feedback/reply-token.js";

// `exec-intel inbox FILE.eml...`: replies to report emails become notes on the report (or on
// the section the reply's first line names). A reply is attached only when its Reply-To token
// verifies, names a delivery the ledger holds, and comes from the address that delivery went
// to; anything else is rejected with the reason and never attached. The rules live in
// `attachReplies`, over injected rows and annotations: the CLI gives it the workspace's SQLite
// stores, the Lambda `inbound` handler the DynamoDB ones.

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

/** One raw reply message and the name outcomes call it by (a file, an SMTP or S3 message). */
export interface InboxMessage {
  name: string;
  raw: Buffer;
}

/** What a reply is checked against and kept in, injected so the CLI and Lambda share the rules. */
export interface ReplyStores {
  /** The ledger rows a reply token may name (every tenant's). */
  rows: readonly DeliveryRow[];
  annotations: Pick<AnnotationStore, "add">;
}

/** Reads reply .eml files and attaches the verified ones as annotations. */
export async function readReplies(
  workspace: string,
  env: Env,
  files: readonly string[],
  now: () => Date,
): Promise<InboxOutcome[]> {
  const messages = await Promise.all(
    files.map(async (name) => ({ name, raw: await readFile(name) })),
  );
  return attachLocalReplies(workspace, env, messages, now);
}

/**
 * The signing secret of reply tokens, from the variable `feedback.secretEnv` names; bad
 * configuration when feedback is off or the variable is unset.
 */
export function replySecret(config: Pick<Config, "feedback">, env: Env): string {
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
  return secret;
}

/** The workspace's reply secret (its config loaded with `env`). */
async function workspaceReplySecret(workspace: string, env: Env) {
  const config = await loadWorkspaceConfig(workspace, env);
  return { config, secret: replySecret(config, env) };
}

/** Attaches replies against the workspace's own SQLite ledger and annotation store. */
async function attachLocalReplies(
  workspace: string,
  env: Env,
  messages: readonly InboxMessage[],
  now: () => Date,
): Promise<InboxOutcome[]> {
  const { config, secret } = await workspaceReplySecret(workspace, env);
  const { openSqliteLedger } = await import("../adapters/store/sqlite-store.js");
  const { openAnnotationStore } = await import("../adapters/store/session-store.js");
  const file = path.join(workspace, config.stateDir, "state.sqlite");
  const ledger = openSqliteLedger(file);
  const annotations = openAnnotationStore(file);
  try {
    return await attachReplies({ secret, rows: ledger.rows(), annotations }, messages, now);
  } finally {
    ledger.close();
    annotations.close();
  }
}

/** Attaches the verified replies among raw messages as annotations; says what became of each. */
export async function attachReplies(
  stores: ReplyStores & { secret: string },
  messages: readonly InboxMessage[],
  now: () => Date,
): Promise<InboxOutcome[]> {
  const { simpleParser } = commonJsExports(await import("mailparser"));
  const { secret } = stores;
  const byHash = new Map(stores.rows.map((row) => [deliveryHash(row), row]));
  const outcomes: InboxOutcome[] = [];
  for (const { name, raw } of messages) {
    const reject = (reason: string) => outcomes.push({ file: name, status: "rejected", reason });
    const mail = await simpleParser(raw);
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
    const saved = await stores.annotations.add({
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

/**
 * `exec-intel inbox --listen`: a local SMTP receiver for replies. Recipients without a verified
 * token are refused at RCPT time (550), so nothing unverifiable is even accepted.
 */
export async function listenForReplies(options: {
  workspace: string;
  env: Env;
  host: string;
  port: number;
  now: () => Date;
  onOutcome: (outcome: InboxOutcome) => void;
}): Promise<{ port: number; stop: () => Promise<void> }> {
  const { secret } = await workspaceReplySecret(options.workspace, options.env);
  const { SMTPServer } = commonJsExports(await import("smtp-server"));
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    banner: "exec-intel replies",
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (verifiedReplyHash(address.address, secret) === undefined) {
        const refused = Object.assign(new Error("no such reply address"), { responseCode: 550 });
        callback(refused);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received += 1;
        attachLocalReplies(
          options.workspace,
          options.env,
          [{ name: `smtp message ${received}`, raw: Buffer.concat(chunks) }],
          options.now,
        ).then(
          (outcomes) => {
            for (const outcome of outcomes) options.onOutcome(outcome);
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : options.port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
