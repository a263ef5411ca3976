import { describe } from "vitest";
import { describeDashboardContract } from "./dashboard.js";
import { type OpenStores, useFixture } from "./fixture.js";
import { describeFollowUpContract } from "./follow-up.js";
import { describeHistoryContract } from "./history.js";
import { describeLedgerContract } from "./ledger.js";
import { describeScheduleContract } from "./schedule.js";

export type { ContractStores, OpenStores, StoreFixture } from "./fixture.js";

/**
 * Registers the state stores' contract for one driver: every method of every port, run against
 * fresh stores per test. A driver passes when it behaves as the reference SQLite driver does.
 */
export function describeStoreContract(driverName: string, open: OpenStores): void {
  describe(`${driverName} state stores`, () => {
    const fixture = useFixture(open);
    describeLedgerContract(fixture);
    describeHistoryContract(fixture);
    describeFollowUpContract(fixture);
    describeDashboardContract(fixture);
    describeScheduleContract(fixture);
  });
}
