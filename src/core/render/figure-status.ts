import type { Figure } from "../analysis/types.js";
import { formatValue } from "../reports/compose.js";

/** Whether a figure meets its target, in words every renderer prints next to any colour. */
export interface TargetStatus {
  tone: "good" | "bad";
  label: string;
  /** e.g. "target $12,000/month". */
  target: string;
}

/** Compares a figure with its target (higher is better unless the figure says otherwise). */
export function targetStatus(figure: Figure): TargetStatus | undefined {
  if (figure.target === undefined) return undefined;
  const lowerIsBetter = figure.better === "lower";
  const meets = lowerIsBetter ? figure.value <= figure.target : figure.value >= figure.target;
  return {
    tone: meets ? "good" : "bad",
    label: meets
      ? lowerIsBetter
        ? "Within target"
        : "On target"
      : lowerIsBetter
        ? "Over target"
        : "Below target",
    target: `target ${formatValue(figure.target, figure.unit)}`,
  };
}

/** Change against the previous period, in words: "up $1,200 (+12%) vs previous period". */
export interface PeriodDelta {
  tone: "good" | "bad" | "neutral";
  /** Arrow that repeats the direction in the text for a quick scan. */
  arrow: "▲" | "▼" | "■";
  label: string;
}

/** The change from `figure.previous`, judged by `figure.better`; undefined when there is no previous value. */
export function periodDelta(figure: Figure): PeriodDelta | undefined {
  if (figure.previous === undefined) return undefined;
  const change = figure.value - figure.previous;
  if (change === 0) return { tone: "neutral", arrow: "■", label: "unchanged vs previous period" };
  const share = figure.previous !== 0 ? Math.abs((change / figure.previous) * 100) : undefined;
  // Small moves get a decimal so a real change never reads "+0%".
  const percent =
    share !== undefined && figure.unit !== "percent"
      ? ` (${change > 0 ? "+" : "−"}${share.toFixed(share < 10 ? 1 : 0)}%)`
      : "";
  const amount = formatValue(Math.abs(change), figure.unit === "percent" ? "count" : figure.unit);
  const points = figure.unit === "percent" ? " points" : "";
  const improved = figure.better === "lower" ? change < 0 : change > 0;
  return {
    tone: improved ? "good" : "bad",
    arrow: change > 0 ? "▲" : "▼",
    label: `${change > 0 ? "up" : "down"} ${amount}${points}${percent} vs previous period`,
  };
}
