import type { DeliveryKey } from "./ports.js";

/** Just the key of a row (or of anything carrying one), for lookups and comparisons. */
export function keyOf(key: DeliveryKey): DeliveryKey {
  return { tenant: key.tenant, period: key.period, report: key.report, recipient: key.recipient };
}

/** `tenant/period/report/recipient`, as ledger errors and logs name a row. */
export function describeKey(key: DeliveryKey): string {
  return `${key.tenant}/${key.period}/${key.report}/${key.recipient}`;
}
