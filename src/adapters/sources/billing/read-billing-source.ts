import type { SourceConfig } from "../../../core/config.js";
import { problem } from "../../../core/errors.js";
import type { ClientBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import type { DomainYield } from "../domain-yield.js";

/** Not built yet (issue 9): a billing source is refused with a clear problem rather than ignored. */
export async function readBillingSource(
  source: Extract<SourceConfig, { type: "billing" }>,
  _context: DriverContext,
): Promise<DomainYield<ClientBook>> {
  return {
    records: 0,
    problems: [
      problem(
        source.path,
        undefined,
        "billing sources are not supported yet (issue 9 is in progress)",
        "remove this source for now",
      ),
    ],
  };
}
