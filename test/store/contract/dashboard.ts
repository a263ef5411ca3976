import { describe, expect, it } from "vitest";
import type {
  Annotation,
  AnnotationStore,
  SessionStore,
} from "../../../src/core/dashboard/ports.js";
import { iso, type StoreFixture } from "./fixture.js";

// The dashboard's stores: sign-in tokens used once and only while unexpired, sessions that end
// at their expiry or on sign-out, and annotations listed oldest first within their tenant.

/** A note by Ann on acme's October CEO report. */
function note(parts: Partial<Omit<Annotation, "id">> = {}): Omit<Annotation, "id"> {
  return {
    tenant: "acme",
    period: "2026-10",
    role: "ceo",
    author: "ann@acme.example",
    via: "dashboard",
    text: "Call the bank first.",
    at: iso(1),
    ...parts,
  };
}

/** Registers the session and annotation stores' contract. */
export function describeDashboardContract(fixture: () => StoreFixture): void {
  const sessions = (): SessionStore => fixture().stores.sessions;
  const annotations = (): AnnotationStore => fixture().stores.annotations;

  describe("sessions: sign-in tokens", () => {
    it("redeems a token once, for its email", async () => {
      await sessions().issue("token-1", "ann@acme.example", iso(0), iso(600));
      expect(await sessions().redeem("token-1", iso(10))).toBe("ann@acme.example");
      expect(await sessions().redeem("token-1", iso(11))).toBeUndefined();
    });

    it("redeems nothing for an unknown token or one at or past its expiry", async () => {
      await sessions().issue("token-1", "ann@acme.example", iso(0), iso(600));
      await sessions().issue("token-2", "bob@acme.example", iso(0), iso(600));
      expect(await sessions().redeem("token-x", iso(10))).toBeUndefined();
      expect(await sessions().redeem("token-1", iso(600))).toBeUndefined();
      expect(await sessions().redeem("token-2", iso(700))).toBeUndefined();
    });

    it("signs in once when the same link is clicked twice at the same moment", async () => {
      await sessions().issue("token-1", "ann@acme.example", iso(0), iso(600));
      const other = await fixture().another();
      // Both handles connected first, so neither starts the race late.
      await Promise.all([
        sessions().session("warm-up", iso(0)),
        other.sessions.session("warm-up", iso(0)),
      ]);
      const answers = await Promise.all([
        sessions().redeem("token-1", iso(10)),
        other.sessions.redeem("token-1", iso(10)),
      ]);
      expect(answers.filter((a) => a !== undefined)).toEqual(["ann@acme.example"]);
    });

    it("does not take a token for a session", async () => {
      await sessions().issue("hash-1", "ann@acme.example", iso(0), iso(600));
      expect(await sessions().session("hash-1", iso(10))).toBeUndefined();
    });
  });

  describe("sessions: sessions", () => {
    it("answers a session's email until it expires", async () => {
      await sessions().startSession("session-1", "ann@acme.example", iso(0), iso(3600));
      expect(await sessions().session("session-1", iso(10))).toBe("ann@acme.example");
      expect(await sessions().session("session-1", iso(3599))).toBe("ann@acme.example");
      expect(await sessions().session("session-1", iso(3600))).toBeUndefined();
      expect(await sessions().session("session-x", iso(10))).toBeUndefined();
    });

    it("ends a session on sign-out, and ending an unknown one is harmless", async () => {
      await sessions().startSession("session-1", "ann@acme.example", iso(0), iso(3600));
      await sessions().startSession("session-2", "bob@acme.example", iso(0), iso(3600));
      await sessions().endSession("session-1");
      expect(await sessions().session("session-1", iso(10))).toBeUndefined();
      expect(await sessions().session("session-2", iso(10))).toBe("bob@acme.example");
      await sessions().endSession("session-x");
    });

    it("does not take a session for a sign-in token", async () => {
      await sessions().startSession("hash-1", "ann@acme.example", iso(0), iso(3600));
      expect(await sessions().redeem("hash-1", iso(10))).toBeUndefined();
      expect(await sessions().session("hash-1", iso(10))).toBe("ann@acme.example");
    });
  });

  describe("annotations", () => {
    it("gives each annotation an id and lists them oldest first", async () => {
      const first = await annotations().add(note({ section: "cash" }));
      const second = await annotations().add(note({ text: "And the landlord.", at: iso(2) }));
      expect(first).toEqual({ ...note({ section: "cash" }), id: first.id });
      expect(second).toEqual({ ...note({ text: "And the landlord.", at: iso(2) }), id: second.id });
      expect(second.id).toBeGreaterThan(first.id);
      expect("section" in second).toBe(false);
      expect(await annotations().list("acme")).toEqual([first, second]);
    });

    it("filters by period, by report role, or by both", async () => {
      const october = await annotations().add(note());
      const cfo = await annotations().add(note({ role: "cfo", via: "email" }));
      const september = await annotations().add(note({ period: "2026-09" }));
      expect(await annotations().list("acme", { period: "2026-10" })).toEqual([october, cfo]);
      expect(await annotations().list("acme", { role: "ceo" })).toEqual([october, september]);
      expect(await annotations().list("acme", { period: "2026-10", role: "cfo" })).toEqual([cfo]);
      expect(await annotations().list("acme", { period: "2026-08" })).toEqual([]);
      expect(await annotations().list("acme", {})).toEqual([october, cfo, september]);
    });

    it("never lists one tenant's annotations to another", async () => {
      const acme = await annotations().add(note());
      const globex = await annotations().add(note({ tenant: "globex" }));
      expect(await annotations().list("acme")).toEqual([acme]);
      expect(await annotations().list("globex")).toEqual([globex]);
      expect(await annotations().list("initech")).toEqual([]);
    });
  });
}
