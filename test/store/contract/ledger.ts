import { describe, expect, it } from "vitest";
import type { DeliveryKey, DeliveryLedger, DeliveryRow } from "../../../src/core/deliver/ports.js";
import { at, expectIllegal, type StoreFixture } from "./fixture.js";

// The delivery ledger's contract: planning, the state machine with every disallowed transition,
// racing claims, crash recovery, filters and provider events.

const KEY: DeliveryKey = {
  tenant: "acme",
  period: "2026-10",
  report: "ceo",
  recipient: "ann@acme.example",
};

/** KEY with some parts replaced. */
const key = (parts: Partial<DeliveryKey> = {}): DeliveryKey => ({ ...KEY, ...parts });

/** The one row of `k`; fails when there is none or more. */
async function only(ledger: DeliveryLedger, k: DeliveryKey): Promise<DeliveryRow> {
  const rows = await ledger.rows(k);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  if (row === undefined) throw new Error("row missing");
  return row;
}

/** A row's key, for comparing lists of rows. */
const keyOf = (row: DeliveryKey): DeliveryKey => ({
  tenant: row.tenant,
  period: row.period,
  report: row.report,
  recipient: row.recipient,
});

type Start = "pending" | "sending" | "sent" | "failed-transient" | "failed-permanent" | "uncertain";
type Op =
  | "claim"
  | "markSent"
  | "markFailed-transient"
  | "markFailed-permanent"
  | "release"
  | "reset";
/** Where the row ends: a state, "refused" (claim answers false) or "illegal" (IllegalTransitionError). */
type Outcome = Start | "refused" | "illegal";

// Only a row being sent can have its outcome recorded.
const ONLY_SENDING_RECORDS = {
  markSent: "illegal",
  "markFailed-transient": "illegal",
  "markFailed-permanent": "illegal",
} as const;

// Rows are starting states, columns operations: read it as the specification of the ledger.
const MACHINE: Record<Start, Record<Op, Outcome>> = {
  pending: { claim: "sending", ...ONLY_SENDING_RECORDS, release: "illegal", reset: "pending" },
  sending: {
    claim: "refused",
    markSent: "sent",
    "markFailed-transient": "failed-transient",
    "markFailed-permanent": "failed-permanent",
    release: "pending",
    reset: "illegal",
  },
  sent: { claim: "refused", ...ONLY_SENDING_RECORDS, release: "illegal", reset: "pending" },
  "failed-transient": {
    claim: "sending",
    ...ONLY_SENDING_RECORDS,
    release: "pending",
    reset: "pending",
  },
  "failed-permanent": {
    claim: "refused",
    ...ONLY_SENDING_RECORDS,
    release: "illegal",
    reset: "pending",
  },
  uncertain: { claim: "sending", ...ONLY_SENDING_RECORDS, release: "pending", reset: "pending" },
};

const CASES = Object.entries(MACHINE).flatMap(([start, ops]) =>
  Object.entries(ops).map(([op, outcome]) => [start, op, outcome] as [Start, Op, Outcome]),
);

/** Drives a fresh row of KEY to `start` through legal operations only. */
async function bring(ledger: DeliveryLedger, start: Start): Promise<void> {
  await ledger.plan([KEY], "run-1", at(0));
  if (start === "pending") return;
  await ledger.claim(KEY, "run-1", "<m1@exec-intel>", at(1));
  if (start === "sent") await ledger.markSent(KEY, "p1", at(2));
  if (start === "failed-transient") await ledger.markFailed(KEY, false, "421 try later", at(2));
  if (start === "failed-permanent") await ledger.markFailed(KEY, true, "550 no such user", at(2));
  if (start === "uncertain") await ledger.recoverInterrupted(at(2));
}

/** Applies `op` to KEY at second 10 as run-2; answers claim's result. */
async function apply(ledger: DeliveryLedger, op: Op): Promise<boolean | undefined> {
  const now = at(10);
  if (op === "claim") return ledger.claim(KEY, "run-2", "<m2@exec-intel>", now);
  if (op === "markSent") await ledger.markSent(KEY, "p2", now);
  if (op === "markFailed-transient") await ledger.markFailed(KEY, false, "timeout", now);
  if (op === "markFailed-permanent") await ledger.markFailed(KEY, true, "rejected", now);
  if (op === "release") await ledger.release(KEY, "account paused", now);
  if (op === "reset") await ledger.reset(KEY, now);
  return undefined;
}

/** Registers the delivery ledger's contract. */
export function describeLedgerContract(fixture: () => StoreFixture): void {
  const ledger = () => fixture().stores.ledger;

  describe("delivery ledger: plan", () => {
    it("inserts each unknown key once as a pending row and answers in the order asked", async () => {
      const second = key({ recipient: "bob@acme.example" });
      const rows = await ledger().plan([second, KEY, second], "run-1", at(0));
      expect(rows).toEqual([
        {
          ...second,
          state: "pending",
          attempts: 0,
          runId: "run-1",
          updatedAt: at(0).toISOString(),
        },
        { ...KEY, state: "pending", attempts: 0, runId: "run-1", updatedAt: at(0).toISOString() },
      ]);
      expect(await ledger().rows()).toHaveLength(2);
    });

    it("is idempotent: known rows come back as they stand, untouched by the new run", async () => {
      const other = key({ recipient: "bob@acme.example" });
      await ledger().plan([KEY], "run-1", at(0));
      await ledger().claim(KEY, "run-1", "<m1@exec-intel>", at(1));
      await ledger().markSent(KEY, "p1", at(2));
      const sent = await only(ledger(), KEY);

      const again = await ledger().plan([KEY, other], "run-2", at(3));
      expect(again).toEqual([
        sent,
        { ...other, state: "pending", attempts: 0, runId: "run-2", updatedAt: at(3).toISOString() },
      ]);
      expect(await only(ledger(), KEY)).toEqual(sent);
    });

    it("answers an empty plan with no rows", async () => {
      expect(await ledger().plan([], "run-1", at(0))).toEqual([]);
      expect(await ledger().rows()).toEqual([]);
    });
  });

  describe("delivery ledger: state machine", () => {
    it.each(CASES)("%s + %s → %s", async (start, op, outcome) => {
      await bring(ledger(), start);
      const before = await only(ledger(), KEY);

      if (outcome === "illegal") {
        await expectIllegal(() => apply(ledger(), op));
      } else {
        const result = await apply(ledger(), op);
        if (op === "claim") expect(result).toBe(outcome !== "refused");
      }

      const after = await only(ledger(), KEY);
      if (outcome === "illegal" || outcome === "refused" || outcome === start) {
        expect(after).toEqual(before);
        return;
      }
      expect(after.state).toBe(outcome.startsWith("failed") ? "failed" : outcome);
      expect(after.updatedAt).toBe(at(10).toISOString());
      expect(after.attempts).toBe(before.attempts + (op === "claim" ? 1 : 0));
      if (op === "claim") {
        expect(after).toMatchObject({ messageId: "<m2@exec-intel>", runId: "run-2" });
        expect(after.providerMessageId).toBeUndefined();
        expect(after.error).toBeUndefined();
      } else {
        expect(after.runId).toBe(before.runId);
      }
      if (op === "markSent") {
        expect(after.providerMessageId).toBe("p2");
        expect(after.error).toBeUndefined();
      }
      if (op === "markFailed-transient") expect(after.error).toBe("timeout");
      if (op === "markFailed-permanent") expect(after.error).toBe("rejected");
      if (op === "release") expect(after.error).toBe("account paused");
      if (op === "reset") {
        expect(after.providerMessageId).toBeUndefined();
        expect(after.error).toBeUndefined();
      }
    });

    it("refuses every transition of a key that was never planned", async () => {
      await expectIllegal(() => ledger().claim(KEY, "run-1", "<m>", at(0)), /not planned/);
      await expectIllegal(() => ledger().markSent(KEY, "p", at(0)));
      await expectIllegal(() => ledger().markFailed(KEY, false, "x", at(0)));
      await expectIllegal(() => ledger().release(KEY, "x", at(0)));
      await expectIllegal(() => ledger().reset(KEY, at(0)));
      expect(await ledger().rows()).toEqual([]);
    });

    it("claims a transient failure again, a permanent one only after a reset", async () => {
      await ledger().plan([KEY], "run-1", at(0));
      expect(await ledger().claim(KEY, "run-1", "<m1>", at(1))).toBe(true);
      await ledger().markFailed(KEY, false, "421 busy", at(2));
      expect(await ledger().claim(KEY, "run-1", "<m2>", at(3))).toBe(true);
      await ledger().markFailed(KEY, true, "550 unknown user", at(4));
      expect(await ledger().claim(KEY, "run-2", "<m3>", at(5))).toBe(false);
      await ledger().reset(KEY, at(6));
      expect(await ledger().claim(KEY, "run-2", "<m3>", at(7))).toBe(true);
      expect(await only(ledger(), KEY)).toMatchObject({
        state: "sending",
        attempts: 3,
        messageId: "<m3>",
        runId: "run-2",
      });
    });

    it("lets exactly one of two concurrent claims of a row win", async () => {
      const other = await fixture().another();
      const keys = Array.from({ length: 12 }, (_, i) => key({ recipient: `r${i}@acme.example` }));
      await ledger().plan(keys, "run-1", at(0));
      // Both handles connected first, so neither starts the race late.
      await Promise.all([ledger().rows(KEY), other.ledger.rows(KEY)]);
      const results = await Promise.all(
        keys.map((k) =>
          Promise.all([
            ledger().claim(k, "run-a", "<a>", at(1)),
            other.ledger.claim(k, "run-b", "<b>", at(1)),
          ]),
        ),
      );
      for (const [index, [a, b]] of results.entries()) {
        expect(a !== b, `both or neither claimed r${index}`).toBe(true);
        const row = await only(ledger(), keys[index] as DeliveryKey);
        expect(row).toMatchObject({ state: "sending", attempts: 1, runId: a ? "run-a" : "run-b" });
      }
    });

    it("lets exactly one of two concurrent claims through the same handle win", async () => {
      await ledger().plan([KEY], "run-1", at(0));
      const results = await Promise.all([
        ledger().claim(KEY, "run-a", "<a>", at(1)),
        ledger().claim(KEY, "run-b", "<b>", at(1)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await only(ledger(), KEY)).attempts).toBe(1);
    });
  });

  describe("delivery ledger: recoverInterrupted", () => {
    it("turns every row left sending, of every tenant, into an uncertain one and answers them", async () => {
      const sentKey = key({ recipient: "sent@acme.example" });
      const globex = key({ tenant: "globex" });
      const idle = key({ recipient: "idle@acme.example" });
      await ledger().plan([sentKey, globex, KEY, idle], "run-1", at(0));
      await ledger().claim(sentKey, "run-1", "<s>", at(1));
      await ledger().markSent(sentKey, "ps", at(2));
      await ledger().claim(globex, "run-1", "<g>", at(3));
      await ledger().claim(KEY, "run-1", "<k>", at(4));

      const recovered = await ledger().recoverInterrupted(at(10));
      expect(recovered.map(keyOf)).toEqual([KEY, globex]);
      for (const row of recovered) {
        expect(row).toMatchObject({
          state: "uncertain",
          attempts: 1,
          runId: "run-1",
          updatedAt: at(10).toISOString(),
        });
        expect(row.error).toMatch(/interrupted/);
        expect(await only(ledger(), row)).toEqual(row);
      }
      expect((await only(ledger(), KEY)).messageId).toBe("<k>");
      expect((await only(ledger(), sentKey)).state).toBe("sent");
      expect((await only(ledger(), idle)).state).toBe("pending");
      expect(await ledger().recoverInterrupted(at(11))).toEqual([]);
    });

    it("recovers only the named tenants' rows: another tenant's run may be sending right now", async () => {
      const globex = key({ tenant: "globex" });
      await ledger().plan([KEY, globex], "run-1", at(0));
      await ledger().claim(KEY, "run-1", "<k>", at(1));
      await ledger().claim(globex, "run-2", "<g>", at(2));

      const recovered = await ledger().recoverInterrupted(at(10), [KEY.tenant]);
      expect(recovered.map(keyOf)).toEqual([KEY]);
      expect((await only(ledger(), globex)).state).toBe("sending");
      expect(await ledger().recoverInterrupted(at(11), ["initech"])).toEqual([]);
    });

    it("answers nothing when no row is sending", async () => {
      await ledger().plan([KEY], "run-1", at(0));
      expect(await ledger().recoverInterrupted(at(1))).toEqual([]);
    });
  });

  describe("delivery ledger: rows", () => {
    const keys = [
      key({ tenant: "globex", period: "2026-09" }),
      key({ report: "cfo", recipient: "zed@acme.example" }),
      key({ period: "2026-09", report: "cto" }),
      key({ recipient: "ann@acme.example.org" }),
      KEY,
      key({ report: "cfo" }),
    ];

    it("lists every row by tenant, period, report, recipient", async () => {
      await ledger().plan(keys, "run-1", at(0));
      expect((await ledger().rows()).map(keyOf)).toEqual([
        key({ period: "2026-09", report: "cto" }),
        KEY,
        key({ recipient: "ann@acme.example.org" }),
        key({ report: "cfo" }),
        key({ report: "cfo", recipient: "zed@acme.example" }),
        key({ tenant: "globex", period: "2026-09" }),
      ]);
    });

    it("filters by any part of the key, and by all of it exactly", async () => {
      await ledger().plan(keys, "run-1", at(0));
      const recipients = async (filter: Partial<DeliveryKey>) =>
        (await ledger().rows(filter)).map(
          (row) => `${row.tenant}/${row.period}/${row.report}/${row.recipient}`,
        );
      expect(await recipients({ tenant: "acme" })).toHaveLength(5);
      expect(await recipients({ tenant: "acme", report: "cfo" })).toEqual([
        "acme/2026-10/cfo/ann@acme.example",
        "acme/2026-10/cfo/zed@acme.example",
      ]);
      expect(await recipients({ period: "2026-09" })).toEqual([
        "acme/2026-09/cto/ann@acme.example",
        "globex/2026-09/ceo/ann@acme.example",
      ]);
      expect(await recipients({ recipient: "ann@acme.example" })).toHaveLength(4);
      expect(await recipients({ report: "ceo", period: "2026-10" })).toEqual([
        "acme/2026-10/ceo/ann@acme.example",
        "acme/2026-10/ceo/ann@acme.example.org",
      ]);
      expect(await recipients(KEY)).toEqual(["acme/2026-10/ceo/ann@acme.example"]);
      expect(await recipients({ tenant: "acme", period: "2026-08" })).toEqual([]);
      expect(await recipients({ tenant: "initech" })).toEqual([]);
    });
  });

  describe("delivery ledger: recordMailEvent", () => {
    /** KEY planned, claimed and sent as provider message p1. */
    async function sendKey(): Promise<DeliveryRow> {
      await ledger().plan([KEY], "run-1", at(0));
      await ledger().claim(KEY, "run-1", "<m1>", at(1));
      await ledger().markSent(KEY, "p1", at(2));
      return only(ledger(), KEY);
    }

    it("shows the provider's newest word on the sent row, leaving its state alone", async () => {
      const sent = await sendKey();
      const delivered = {
        providerMessageId: "p1",
        kind: "delivered" as const,
        detail: "250 ok",
        at: "2026-11-01T09:00:00.000Z",
      };
      expect(await ledger().recordMailEvent(delivered)).toEqual({
        ...sent,
        mailEvent: { kind: "delivered", detail: "250 ok", at: delivered.at },
      });
      expect(await only(ledger(), KEY)).toEqual({
        ...sent,
        mailEvent: { kind: "delivered", detail: "250 ok", at: delivered.at },
      });
    });

    it("never lets an older event hide a newer one", async () => {
      await sendKey();
      const event = (kind: "delivered" | "delayed" | "bounced", hour: string) => ({
        providerMessageId: "p1",
        kind,
        detail: `${kind} detail`,
        at: `2026-11-01T${hour}:00:00.000Z`,
      });
      await ledger().recordMailEvent(event("delivered", "10"));
      const late = await ledger().recordMailEvent(event("delayed", "09"));
      expect(late?.mailEvent).toEqual({
        kind: "delivered",
        detail: "delivered detail",
        at: "2026-11-01T10:00:00.000Z",
      });
      const newer = await ledger().recordMailEvent(event("bounced", "11"));
      expect(newer?.mailEvent?.kind).toBe("bounced");
      expect((await only(ledger(), KEY)).mailEvent?.kind).toBe("bounced");
      expect((await only(ledger(), KEY)).state).toBe("sent");
    });

    it("answers undefined for a provider message id it does not know", async () => {
      await sendKey();
      const event = {
        providerMessageId: "p-unknown",
        kind: "bounced" as const,
        detail: "",
        at: "2026-11-01T09:00:00.000Z",
      };
      expect(await ledger().recordMailEvent(event)).toBeUndefined();
      expect((await only(ledger(), KEY)).mailEvent).toBeUndefined();
    });

    it("no longer knows a provider id the row dropped when it was reset for resend", async () => {
      await sendKey();
      await ledger().reset(KEY, at(3));
      const event = {
        providerMessageId: "p1",
        kind: "delivered" as const,
        detail: "250",
        at: "2026-11-01T09:00:00.000Z",
      };
      expect(await ledger().recordMailEvent(event)).toBeUndefined();
    });
  });

  describe("delivery ledger: tenants", () => {
    it("keeps the same period, report and recipient of two tenants apart", async () => {
      const globex = key({ tenant: "globex" });
      await ledger().plan([KEY, globex], "run-1", at(0));
      await ledger().claim(KEY, "run-1", "<m1>", at(1));
      await ledger().markSent(KEY, "p1", at(2));
      expect((await only(ledger(), globex)).state).toBe("pending");
      expect((await ledger().rows({ tenant: "globex" })).map(keyOf)).toEqual([globex]);
      expect((await ledger().rows({ tenant: "acme" })).map(keyOf)).toEqual([KEY]);
      expect(await ledger().claim(globex, "run-1", "<m2>", at(3))).toBe(true);
    });
  });
}
