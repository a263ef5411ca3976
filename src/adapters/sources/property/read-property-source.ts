import type { SourceConfig } from "../../../core/config.js";
import { problem } from "../../../core/errors.js";
import type { PropertyBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import type { DomainYield } from "../domain-yield.js";

/** Not built yet (issue 9): a rental source is refused with a clear problem rather than ignored. */
export async function readPropertySource(
  source: Extract<SourceConfig, { type: "rental" }>,
  _context: DriverContext,
): Promise<DomainYield<PropertyBook>> {
  return {
    records: 0,
    problems: [
      problem(
        source.path,
        undefined,
        "rental sources are not supported yet (issue 9 is in progress)",
        "remove this source for now",
      ),
    ],
  };
}
