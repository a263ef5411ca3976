import type { DeliveryKey } from "../../src/core/deliver/ports.js";

/** The ledger key for recipient number `index` of one test report (the same in every process). */
export function ledgerKey(index: number): DeliveryKey {
  return { tenant: "acme", period: "2026-10", report: "ceo", recipient: `r${index}@example.com` };
}
