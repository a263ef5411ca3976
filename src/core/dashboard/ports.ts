import type { Awaitable } from "../awaitable.js";

// Ports of the dashboard: sign-in links and sessions (kept only as hashes, so a copy of the
// database signs nobody in), and annotations people leave on report sections.

/** Sign-in tokens and sessions, keyed by the SHA-256 of their secret value. */
export interface SessionStore {
  /** Keeps a sign-in token for `email` until `expiresAt`. */
  issue(tokenHash: string, email: string, now: string, expiresAt: string): Awaitable<void>;
  /** Uses a token once: its email when it exists, is unused and unexpired; else undefined. */
  redeem(tokenHash: string, now: string): Awaitable<string | undefined>;
  /** Starts a session for `email` until `expiresAt`. */
  startSession(sessionHash: string, email: string, now: string, expiresAt: string): Awaitable<void>;
  /** The signed-in address of a live session, or undefined. */
  session(sessionHash: string, now: string): Awaitable<string | undefined>;
  endSession(sessionHash: string): Awaitable<void>;
  close(): Awaitable<void>;
}

/** A person's note on a report, or on one of its sections. */
export interface Annotation {
  id: number;
  tenant: string;
  period: string;
  role: string;
  /** The section it is about; undefined for the report as a whole. */
  section?: string;
  author: string;
  via: "dashboard" | "email";
  text: string;
  at: string;
}

/** Where annotations live; every call is scoped to one tenant. */
export interface AnnotationStore {
  add(annotation: Omit<Annotation, "id">): Awaitable<Annotation>;
  /** Oldest first, optionally of one period and report role. */
  list(tenant: string, filter?: { period?: string; role?: string }): Awaitable<Annotation[]>;
  close(): Awaitable<void>;
}
