import type { Synchronous } from "../../core/awaitable.js";
import type { Annotation, AnnotationStore, SessionStore } from "../../core/dashboard/ports.js";
import { openStateDatabase } from "./state-database.js";

// The dashboard's sign-in tokens, sessions and annotations in the workspace's state database.
// Redeeming a token is one UPDATE that only succeeds while the token is unused and unexpired,
// so two clicks on the same link cannot both sign in.

/** Opens the session store in the state database at `file`. */
export function openSessionStore(file: string): Synchronous<SessionStore> {
  const db = openStateDatabase(file);
  const insertToken = db.prepare(
    `INSERT INTO sign_in_tokens (token_hash, email, created_at, expires_at)
     VALUES (?, ?, ?, ?)`,
  );
  const useToken = db.prepare<[string, string, string], { email: string }>(
    `UPDATE sign_in_tokens SET used_at = ?
     WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
     RETURNING email`,
  );
  const insertSession = db.prepare(
    "INSERT INTO sessions (session_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)",
  );
  const findSession = db.prepare<[string, string], { email: string }>(
    "SELECT email FROM sessions WHERE session_hash = ? AND expires_at > ?",
  );
  const deleteSession = db.prepare("DELETE FROM sessions WHERE session_hash = ?");
  // Expired rows are of no use to anyone; drop them as new ones come in.
  const prune = db.prepare("DELETE FROM sign_in_tokens WHERE expires_at <= ?");
  return {
    issue: (tokenHash, email, now, expiresAt) => {
      prune.run(now);
      insertToken.run(tokenHash, email, now, expiresAt);
    },
    redeem: (tokenHash, now) => useToken.get(now, tokenHash, now)?.email,
    startSession: (sessionHash, email, now, expiresAt) => {
      insertSession.run(sessionHash, email, now, expiresAt);
    },
    session: (sessionHash, now) => findSession.get(sessionHash, now)?.email,
    endSession: (sessionHash) => {
      deleteSession.run(sessionHash);
    },
    close: () => db.close(),
  };
}

interface StoredAnnotation {
  id: number;
  tenant: string;
  period: string;
  role: string;
  section: string | null;
  author: string;
  via: Annotation["via"];
  text: string;
  at: string;
}

/** Opens the annotation store in the state database at `file`. */
export function openAnnotationStore(file: string): Synchronous<AnnotationStore> {
  const db = openStateDatabase(file);
  const insert = db.prepare<Omit<StoredAnnotation, "id">, StoredAnnotation>(
    `INSERT INTO annotations (tenant, period, role, section, author, via, text, at)
     VALUES (@tenant, @period, @role, @section, @author, @via, @text, @at) RETURNING *`,
  );
  const select = db.prepare<
    { tenant: string; period: string | null; role: string | null },
    StoredAnnotation
  >(
    `SELECT * FROM annotations WHERE tenant = @tenant
       AND (@period IS NULL OR period = @period) AND (@role IS NULL OR role = @role)
     ORDER BY id`,
  );
  return {
    add: (annotation) => {
      const row = insert.get({ ...annotation, section: annotation.section ?? null });
      if (row === undefined) throw new Error("the annotation was not stored");
      return toAnnotation(row);
    },
    list: (tenant, filter = {}) =>
      select
        .all({ tenant, period: filter.period ?? null, role: filter.role ?? null })
        .map(toAnnotation),
    close: () => db.close(),
  };
}

function toAnnotation(row: StoredAnnotation): Annotation {
  const { section, ...rest } = row;
  return section === null ? rest : { ...rest, section };
}
