import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Secrets of the dashboard: sign-in tokens and session ids are 32 random bytes, sent to their
// owner once and stored only as SHA-256 hashes. The CSRF token of a form is derived from the
// session's secret, which pages never show and scripts cannot read (HttpOnly cookie).

/** 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** SHA-256 of a secret, hex: what the database keeps. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The CSRF token of a session: only who holds the session cookie can compute it. */
export function csrfTokenOf(sessionSecret: string): string {
  return createHash("sha256").update(`csrf\u0000${sessionSecret}`, "utf8").digest("base64url");
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(sessionSecret: string, submitted: unknown): boolean {
  if (typeof submitted !== "string") return false;
  const expected = Buffer.from(csrfTokenOf(sessionSecret));
  const given = Buffer.from(submitted);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Response headers every dashboard page carries: no scripts, no framing, no sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // Not no-referrer: under it browsers send `Origin: null` on our own form posts.
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-store",
};

/**
 * The archived email HTML carries inline styles, so it is served under its own policy: styles
 * inline, images from the dashboard, framed only by the dashboard's report page, and `sandbox`
 * without scripts, so nothing in it can run.
 */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

/** Counts attempts per key in a sliding window; `allow` says whether one more is within the limit. */
export function createRateLimiter(limit: number, windowMs: number) {
  const hits = new Map<string, number[]>();
  return {
    allow(key: string, now: number): boolean {
      const recent = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      return true;
    },
  };
}
