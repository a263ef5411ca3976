// End-of-life dates of the runtimes, frameworks and databases the stack audit flags. Data, not
// logic: each date is the end of security support as published by endoflife.date
// (https://endoflife.date/nodejs, /ruby, /rails, /python, /postgresql), except Apps Script's
// Rhino runtime, whose turn-down date is Google's (developers.google.com/apps-script/guides/
// v8-runtime/migration). Add a row when a new cycle reaches its end; never compute one.

/** When a declared version stopped being supported, and words saying so. */
export interface EndOfLife {
  /** YYYY-MM-DD. */
  since: string;
  note: string;
}

/** Security-support end per release cycle, by technology as stack detection names it. */
const END_OF_LIFE: Record<string, Record<string, string>> = {
  "Node.js": {
    "10": "2021-04-30",
    "12": "2022-04-30",
    "14": "2023-04-30",
    "16": "2023-09-11",
    "18": "2025-04-30",
    "20": "2026-04-30",
  },
  Ruby: { "2.5": "2021-03-31", "2.6": "2022-03-31", "2.7": "2023-03-31", "3.0": "2024-04-23" },
  Rails: { "5.2": "2022-06-01", "6.0": "2023-06-01", "6.1": "2024-10-01" },
  Python: { "3.6": "2021-12-23", "3.7": "2023-06-27", "3.8": "2024-10-07" },
  PostgreSQL: { "10": "2022-11-10", "11": "2023-11-09", "12": "2024-11-21" },
  "Apps Script": { DEPRECATED_ES5: "2026-01-31" },
};

// How a declared version names its release cycle: Node.js and PostgreSQL by major version,
// Ruby, Rails and Python by major.minor, Apps Script by runtime name.
const CYCLE_PARTS: Record<string, number> = {
  "Node.js": 1,
  PostgreSQL: 1,
  Ruby: 2,
  Rails: 2,
  Python: 2,
};

/**
 * The end of life of `technology` at `version` (as declared: `14.x`, `>=16`, `~> 6.1.4`,
 * `2.7.2p137`, `v18.3.0`, `DEPRECATED_ES5`) when it falls on or before `periodEnd`.
 */
export function endOfLife(
  technology: string,
  version: string,
  periodEnd: string,
): EndOfLife | undefined {
  const cycles = END_OF_LIFE[technology];
  if (cycles === undefined) return undefined;
  const cycle = releaseCycle(version, CYCLE_PARTS[technology]);
  const since = cycle === undefined ? undefined : cycles[cycle];
  if (since === undefined || since > periodEnd) return undefined;
  return { since, note: `${technology} ${cycle} reached end of life on ${since}` };
}

/** The release cycle a declared version names, e.g. `~> 6.1.4` → `6.1` with two parts. */
export function releaseCycle(version: string, parts: number | undefined): string | undefined {
  if (parts === undefined) return version.trim();
  const numbers = /(\d+)(?:\.(\d+))?/.exec(version);
  if (numbers === null) return undefined;
  if (parts === 1) return numbers[1];
  return numbers[2] === undefined ? undefined : `${numbers[1]}.${numbers[2]}`;
}
