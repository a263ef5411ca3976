import { randomBytes } from "node:crypto";
import { access, link, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import type { SendFailure } from "../../core/deliver/classify.js";
import type { OutgoingMessage, SendResult, Transport } from "../../core/deliver/ports.js";

/** A path segment from data (tenant, period, role) reduced to characters safe in any file system. */
export function pathSegment(value: string): string {
  const safe = value
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "");
  // ".", ".." and "" would climb out of or collapse the folder layout.
  return safe === "" ? "_" : safe.slice(0, 120);
}

/** The file stem for a recipient: `sam@example.com` → `sam_at_example.com`. */
export function recipientSlug(email: string): string {
  return pathSegment(email.trim().toLowerCase().replace(/@/g, "_at_"));
}

/** Where one delivery's file goes, relative to the outbox folder, without the `.eml`. */
function relativeStem(message: OutgoingMessage): string {
  const { tenant, period, report, recipient } = message.key;
  return path.join(
    pathSegment(tenant),
    pathSegment(period),
    pathSegment(report),
    recipientSlug(recipient),
  );
}

// Disk full, read-only, forbidden or a file where the folder should be: every further message
// would fail the same way, so the run stops.
const ACCOUNT_ERRNOS = new Set([
  "ENOSPC",
  "EDQUOT",
  "EFBIG",
  "EROFS",
  "EACCES",
  "EPERM",
  "ENOTDIR",
]);

function failure(error: unknown): SendFailure {
  const code = (error as NodeJS.ErrnoException).code ?? "outbox-error";
  const message = error instanceof Error ? error.message : String(error);
  const kind = ACCOUNT_ERRNOS.has(code)
    ? "account"
    : code === "ENAMETOOLONG"
      ? "permanent"
      : "transient";
  return { status: "failed", kind, code, message };
}

/** Writes `raw` to a fresh temp file beside `dir`'s targets and flushes it to disk. */
async function writeTemp(dir: string, raw: Buffer): Promise<string> {
  const temp = path.join(dir, `.outbox-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx");
  try {
    await handle.writeFile(raw);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/**
 * Publishes `temp` under the first free name `stem.eml`, `stem-2.eml`, ... A name that already
 * holds these exact bytes counts as this message (a retry after a crash), so it is not copied again.
 * `link` creates the name atomically and fails if it exists, so nothing is ever overwritten.
 */
async function publish(temp: string, stem: string, raw: Buffer): Promise<string> {
  for (let n = 1; ; n++) {
    const target = `${stem}${n === 1 ? "" : `-${n}`}.eml`;
    try {
      await linkOrRename(temp, target);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const existing = await readFile(target);
      if (existing.equals(raw)) return target;
    }
  }
}

// File systems without hard links (some network and FUSE mounts) refuse `link`.
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/**
 * Gives `temp` the name `target` unless `target` exists (EEXIST). Without hard links it checks,
 * then renames: racy only against a second writer of the same delivery, which the ledger's claim
 * already excludes.
 */
async function linkOrRename(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
    return;
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
  }
  const exists = await access(target).then(
    () => true,
    () => false,
  );
  if (exists) throw Object.assign(new Error(`${target} exists`), { code: "EEXIST" });
  await rename(temp, target);
}

/**
 * The embedded transport: each message becomes `{folder}/{tenant}/{period}/{report}/{recipient}.eml`,
 * written completely before it appears under its name; a different message for the same key is kept
 * beside it as `-2.eml`, `-3.eml`, ... The provider message id is the path relative to `folder`.
 */
export function createOutboxTransport(folder: string): Transport {
  return {
    name: "outbox",
    maxSendRate: async () => undefined,
    remainingQuota: async () => undefined,
    async send(message: OutgoingMessage): Promise<SendResult> {
      const stem = path.join(folder, relativeStem(message));
      const dir = path.dirname(stem);
      try {
        await mkdir(dir, { recursive: true });
        const temp = await writeTemp(dir, message.raw);
        try {
          const target = await publish(temp, stem, message.raw);
          const id = path.relative(folder, target).split(path.sep).join("/");
          return { status: "sent", providerMessageId: id };
        } finally {
          await unlink(temp).catch(() => undefined);
        }
      } catch (error) {
        return failure(error);
      }
    },
    close: async () => undefined,
  };
}
