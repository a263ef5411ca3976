import type { AnnotationStore } from "./dashboard/ports.js";
import type { DeliveryLedger } from "./deliver/ports.js";
import type { FollowUpStore } from "./follow-up/ports.js";
import type { RunHistory } from "./history/ports.js";
import type { ScheduleStore } from "./schedule/ports.js";

// The stores one run writes to, as one bundle: the SQLite file of a local workspace, or the
// DynamoDB table of a deployment. A driver opens them all; the orchestrator takes them injected.

/** Every store a run, the scheduler and the mail-event handlers use. */
export interface StateStores {
  ledger: DeliveryLedger;
  history: RunHistory;
  followUp: FollowUpStore;
  annotations: AnnotationStore;
  schedule: ScheduleStore;
  /** Closes every store of the bundle. */
  close(): Promise<void>;
}
