import type { StateStores } from "../../core/state-stores.js";
import { openFollowUpStore } from "./follow-up-store.js";
import { openRunHistory } from "./run-history.js";
import { openScheduleStore } from "./schedule-store.js";
import { openAnnotationStore } from "./session-store.js";
import { openSqliteLedger } from "./sqlite-store.js";

/** Opens every store of a run in the SQLite state database at `file` (created if missing). */
export function openSqliteStateStores(file: string): StateStores {
  const stores = {
    ledger: openSqliteLedger(file),
    history: openRunHistory(file),
    followUp: openFollowUpStore(file),
    annotations: openAnnotationStore(file),
    schedule: openScheduleStore(file),
  };
  return {
    ...stores,
    close: async () => {
      for (const store of Object.values(stores)) store.close();
    },
  };
}
