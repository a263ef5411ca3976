import { addDays, periodEnd } from "../analysis/common.js";
import { type Intelligence, ownerRoleOf, rankFindings } from "../analysis/intelligence.js";
import type { Finding } from "../analysis/types.js";

// The follow-up agenda: every distinct finding ranked once, with the role that acts on it and a
// due date. The CEO report shows its head as the 30-day agenda and tasks take their due dates
// from it, so a task and the agenda line it came from never disagree.

/** How many findings the 30-day agenda holds. */
export const AGENDA_SIZE = 10;

/** Days after the period end by which an item past the 30-day agenda is due: the month after. */
const LATER_DAYS = 60;

/** One ranked finding with the role that owns it and its due date. */
export interface AgendaItem {
  finding: Finding;
  /** 1-based rank over the distinct findings. */
  rank: number;
  /** The configured role that acts on it. */
  owner: string;
  due: string;
}

/**
 * Drops findings whose every line of a note is already quoted by an earlier finding: two rules
 * raising the same handoff line (a critical shortfall and a UX gap, say) are one item. Only
 * lines of notes (Markdown) count: a note's line states one issue, while one data row (a
 * delivery, an invoice) can carry several distinct problems.
 */
export function distinctFindings(ranked: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return ranked.filter((finding) => {
    const keys = finding.evidence
      .filter((e) => e.source.line !== undefined && e.source.file.endsWith(".md"))
      .map((e) => `${e.source.file}:${e.source.line}`);
    if (keys.length > 0 && keys.every((k) => seen.has(k))) return false;
    for (const k of keys) seen.add(k);
    return true;
  });
}

/**
 * Every distinct finding by severity, then impact per effort. The first AGENDA_SIZE are spread
 * over the 30 days after the period by rank (the first due within days, the last at day 30);
 * the rest are due at day 60.
 */
export function followUpAgenda(intelligence: Intelligence): AgendaItem[] {
  const { context } = intelligence;
  const end = periodEnd(context.period);
  const ranked = distinctFindings(rankFindings(intelligence.findings));
  const headSize = Math.max(Math.min(AGENDA_SIZE, ranked.length), 1);
  return ranked.map((finding, i) => ({
    finding,
    rank: i + 1,
    owner: ownerRoleOf(context, finding),
    due:
      i < AGENDA_SIZE
        ? addDays(end, Math.ceil((30 * (i + 1)) / headSize))
        : addDays(end, LATER_DAYS),
  }));
}
