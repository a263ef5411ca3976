import { canonicalNamesGate } from "./canonical-names.js";
import { coverageGate } from "./coverage.js";
import { credentialsGate } from "./credentials.js";
import { figureConsistencyGate } from "./figure-consistency.js";
import { freshnessGate } from "./freshness.js";
import { limitsGate } from "./limits.js";
import type { Gate, GateId, GateInput, GateProblem } from "./types.js";

export * from "./types.js";

/** Every gate by id, in the order they run. */
export const GATES: Record<GateId, Gate> = {
  coverage: coverageGate,
  credentials: credentialsGate,
  "canonical-names": canonicalNamesGate,
  "figure-consistency": figureConsistencyGate,
  freshness: freshnessGate,
  limits: limitsGate,
};

/** The verdict on one tenant's batch: blocking problems, and warnings from downgraded gates. */
export interface GateVerdict {
  ok: boolean;
  problems: GateProblem[];
  /** Problems of downgraded gates (and advisory ones): reported, not blocking. */
  warnings: GateProblem[];
  downgraded: GateId[];
}

/** Runs every gate over a tenant's batch; a downgraded gate's problems become warnings. */
export function runGates(input: GateInput, advisories: GateProblem[] = []): GateVerdict {
  const problems: GateProblem[] = [];
  const warnings: GateProblem[] = [...advisories];
  for (const [id, gate] of Object.entries(GATES) as [GateId, Gate][]) {
    const found = gate(input);
    if (input.settings.downgrade.includes(id)) warnings.push(...found);
    else problems.push(...found);
  }
  return {
    ok: problems.length === 0,
    problems,
    warnings,
    downgraded: [...input.settings.downgrade],
  };
}
