import type { Severity } from "../analysis/types.js";

// One palette for the email, the PDF and (later) the dashboard. Every foreground/background pair
// below has a contrast ratio of at least 4.5:1 (WCAG AA), so status never rests on colour alone
// and text stays readable when a client inverts colours for dark mode.

/** Colours of the email's light theme. */
export const LIGHT = {
  page: "#eef1f5",
  card: "#ffffff",
  text: "#1f2933",
  muted: "#52606d",
  rule: "#d9e2ec",
  accent: "#1d4e89",
  tableHead: "#f0f4f8",
} as const;

/** Colours the dark-mode media query swaps in (Apple Mail, iOS Mail, Outlook for Mac honour it). */
export const DARK = {
  page: "#0f1419",
  card: "#1b2129",
  text: "#e4e7eb",
  muted: "#b3bcc7",
  rule: "#3e4c59",
  accent: "#8fbcef",
  tableHead: "#243040",
} as const;

/** Tag colours per severity: text on background, with the severity word always printed. */
export const SEVERITY_STYLE: Record<Severity, { fg: string; bg: string; edge: string }> = {
  critical: { fg: "#ffffff", bg: "#a61b1b", edge: "#a61b1b" },
  high: { fg: "#ffffff", bg: "#b44d00", edge: "#b44d00" },
  medium: { fg: "#1f2933", bg: "#f7d070", edge: "#cb9b00" },
  low: { fg: "#1f2933", bg: "#d9e2ec", edge: "#829ab1" },
};

/** Status colours for KPI tiles and freshness, each paired with a printed label. */
export const STATUS_STYLE = {
  good: { fg: "#0e5e2f", bg: "#e3f5e9" },
  bad: { fg: "#8a1c1c", bg: "#fde8e8" },
  stale: { fg: "#7a4100", bg: "#fff3cd" },
  neutral: { fg: "#52606d", bg: "#f0f4f8" },
} as const;

/** The font stack: system fonts only (no web fonts, which email clients block or fetch remotely). */
export const FONT_STACK = "Helvetica, Arial, sans-serif";
