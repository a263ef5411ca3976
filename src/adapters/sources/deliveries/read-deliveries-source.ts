import type { SourceConfig } from "../../../core/config.js";
import { problem } from "../../../core/errors.js";
import type { DeliveryBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import type { DomainYield } from "../domain-yield.js";

/** Not built yet (issue 9): a deliveries source is refused with a clear problem rather than ignored. */
export async function readDeliveriesSource(
  source: Extract<SourceConfig, { type: "deliveries" }>,
  _context: DriverContext,
): Promise<DomainYield<DeliveryBook>> {
  return {
    records: 0,
    problems: [
      problem(
        source.path,
        undefined,
        "deliveries sources are not supported yet (issue 9 is in progress)",
        "remove this source for now",
      ),
    ],
  };
}
