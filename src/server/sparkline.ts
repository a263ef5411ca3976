import { esc } from "./html.js";

// A figure's trend over the periods on record as a small inline SVG: markup, not script, so the
// dashboard's no-script policy holds and the page needs nothing from the network.

const WIDTH = 160;
const HEIGHT = 36;

/** An SVG polyline of `values` (oldest first); a note instead when there are fewer than two. */
export function sparkline(values: readonly number[], label: string): string {
  if (values.length < 2) return '<div class="muted">Trend: one period on record.</div>';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const step = WIDTH / (values.length - 1);
  const points = values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(HEIGHT - 2 - ((v - low) / span) * (HEIGHT - 4)).toFixed(1)}`,
    )
    .join(" ");
  return `<svg class="trend" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(`${label}: trend over ${values.length} periods`)}"><polyline fill="none" stroke="#0b5cad" stroke-width="2" points="${points}"/></svg>`;
}
