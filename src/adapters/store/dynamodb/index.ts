import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SessionStore } from "../../../core/dashboard/ports.js";
import type { StateStores } from "../../../core/state-stores.js";
import { openDynamoAnnotationStore } from "./annotations.js";
import { openDynamoFollowUpStore } from "./follow-up.js";
import { type DynamoDeliveryLedger, openDynamoLedger } from "./ledger.js";
import { openDynamoRunHistory } from "./run-history.js";
import { openDynamoScheduleStore } from "./schedule.js";
import { openDynamoSessionStore } from "./sessions.js";

export { openDynamoAnnotationStore } from "./annotations.js";
export { openDynamoFollowUpStore } from "./follow-up.js";
export { type DynamoDeliveryEvent, type DynamoDeliveryLedger, openDynamoLedger } from "./ledger.js";
export { openDynamoRunHistory } from "./run-history.js";
export { openDynamoScheduleStore } from "./schedule.js";
export { openDynamoSessionStore } from "./sessions.js";
export {
  createDynamoClient,
  type DynamoTable,
  stateTableDefinition,
  TTL_ATTRIBUTE,
} from "./table.js";

/** Where a deployment keeps its state: one table (see table.ts), reached through `client`. */
export interface DynamoStateOptions {
  /** The caller's client (region, endpoint, credentials); closing the stores leaves it open. */
  client: DynamoDBClient;
  table: string;
}

/** Every store of the DynamoDB bundle, with the dashboard's sessions and the ledger's event log. */
export type DynamoStateStores = StateStores & {
  ledger: DynamoDeliveryLedger;
  sessions: SessionStore;
};

/** Opens every store of a deployment on its one DynamoDB table (which must exist). */
export function openDynamoStateStores(options: DynamoStateOptions): DynamoStateStores {
  const table = { client: options.client, name: options.table };
  return {
    ledger: openDynamoLedger(table),
    history: openDynamoRunHistory(table),
    followUp: openDynamoFollowUpStore(table),
    annotations: openDynamoAnnotationStore(table),
    schedule: openDynamoScheduleStore(table),
    sessions: openDynamoSessionStore(table),
    // Nothing to release: the stores hold no connection, and the client is the caller's.
    close: async () => {},
  };
}
