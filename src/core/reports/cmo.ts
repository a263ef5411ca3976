import { entityName, listWords, monthName, periodEnd, plural } from "../analysis/common.js";
import { findingsOf, type Intelligence, rankFindings } from "../analysis/intelligence.js";
import { asNoun, blastCases, localSeoGaps, otaSequence } from "../analysis/marketing.js";

import type { Figure, Finding, Table } from "../analysis/types.js";
import { distinctFindings } from "../follow-up/agenda.js";
import { grouped } from "../number-format.js";
import { chartOf } from "./charts.js";
import {
  findingList,
  formatFigure,
  formatValue,
  paragraph,
  presentFigures,
  reportDocument,
  section,
  table,
} from "./compose.js";
import type { Block, ReportDocument } from "./document.js";

// The CMO report: where each business can be found, what the email list is worth, which OTA to
// list on first, the local-SEO work and the 30/60/90-day plan. Sentences are templates filled
// from the marketing figures and tables; the OTA order and gating come from the same sequence
// the tables are built from.

function tableIf(intelligence: Intelligence, id: string): Block[] {
  const t: Table | undefined = intelligence.tables.get(id);
  return t !== undefined && t.rows.length > 0 ? [table(t)] : [];
}

/** The OTA order of each entity as "A → B → C/D" (shared orders joined by a slash), and what gates it. */
function otaOrder(intelligence: Intelligence): { entity: string; order: string; gate: string }[] {
  const { model } = intelligence.context;
  return [...otaSequence(model).entries()].map(([entity, steps]) => {
    const groups = new Map<number, string[]>();
    for (const s of steps) groups.set(s.order, [...(groups.get(s.order) ?? []), s.channel.name]);
    const gated = steps.filter((s) => s.blocking.length > 0);
    const blockers = [
      ...new Set(
        gated.flatMap((s) => s.blocking.map((p) => `the ${asNoun(p.name)} (${p.status})`)),
      ),
    ];
    return {
      entity: entityName(model, entity),
      order: [...groups.values()].map((names) => names.join("/")).join(" → "),
      gate:
        gated.length === 0
          ? "none is gated"
          : `${listWords(gated.map((s) => s.channel.name))} ${gated.length === 1 ? "waits" : "wait"} for ${listWords(blockers)}`,
    };
  });
}

/** Handoff risks and issues about mailing a list (deliverability), quoted next to the blast case. */
function listRisks(intelligence: Intelligence): Block[] {
  const risks = intelligence.context.model.handoffs.flatMap((note) =>
    note.items.filter(
      (item) =>
        (item.section === "risk" || item.section === "issue") &&
        /\blist\b/i.test(item.text) &&
        /mail|bounce|spam|unsubscrib|deliverab/i.test(item.text),
    ),
  );
  return risks.map((item) =>
    paragraph(
      `Risk to plan for: ${item.text} (${item.provenance.file}${item.provenance.line !== undefined ? `:${item.provenance.line}` : ""})`,
    ),
  );
}

/** "5 lower-severity findings also touch marketing (ux gap 5); their owners' reports carry them." */
function minorSentence(minor: readonly Finding[]): string {
  const byCategory = new Map<string, number>();
  for (const f of minor) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  const parts = [...byCategory.entries()].map(([c, n]) => `${c.replaceAll("-", " ")} ${n}`);
  return `${plural(minor.length, "lower-severity finding")} also ${minor.length === 1 ? "touches" : "touch"} marketing (${listWords(parts)}); the reports of the roles that own them carry the detail.`;
}

function summary(intelligence: Intelligence, cmoFindings: readonly Finding[]): string {
  const { model } = intelligence.context;
  const share = intelligence.figures.get("channels-listed-share");
  const size = intelligence.figures.get("email-list-size");
  const low = intelligence.figures.get("email-blast-value-low");
  const high = intelligence.figures.get("email-blast-value-high");
  const sentences: string[] = [];
  if (share !== undefined) {
    const listed = model.channels.filter((c) => c.status === "listed").length;
    const owners = new Set(model.channels.map((c) => c.entity)).size;
    sentences.push(
      `${listed} of ${plural(model.channels.length, "channel")} across ${plural(owners, "entity", "entities")} are listed (${formatFigure(share)}).`,
    );
  }
  if (size !== undefined && low !== undefined && high !== undefined)
    sentences.push(
      `The email list has ${formatFigure(size)}; one blast is worth ${formatFigure(low)} to ${formatFigure(high)} in bookings.`,
    );
  for (const { entity, order, gate } of otaOrder(intelligence))
    sentences.push(`${entity} OTA order: ${order}; ${gate}.`);
  const seo = [...localSeoGaps(model).keys()].map((id) => entityName(model, id));
  if (seo.length > 0) sentences.push(`Local search needs work for ${listWords(seo)}.`);
  const critical = cmoFindings.filter((f) => f.category === "critical-shortfall");
  if (critical.length > 0)
    sentences.push(
      `Critical shortfalls on the marketing side: ${critical.map((f) => f.title).join("; ")}.`,
    );
  return sentences.join(" ");
}

/** The CMO report: channel matrix, email-blast case, OTA sequencing, local SEO and 30/60/90 milestones. */
export function assembleCmoReport(intelligence: Intelligence, role = "cmo"): ReportDocument {
  const { context } = intelligence;
  const { model } = context;
  const mine = rankFindings(intelligence.findings.filter((f) => f.roles.includes("cmo")));
  const otaFindings = [
    ...findingsOf(intelligence, "critical-shortfall", "cmo").filter(
      (f) => f.ruleId === "zero-ota-listings",
    ),
    ...findingsOf(intelligence, "ota-gated", "cmo"),
  ];
  const seoFindings = findingsOf(intelligence, "local-seo", "cmo");
  const shown = new Set([...otaFindings, ...seoFindings].map((f) => f.fingerprint));
  // The summary lists what needs the CMO's attention now; lower-severity findings owned by other
  // roles (UX gaps, say) are counted, and findings repeating the same evidence are listed once.
  const other = distinctFindings([
    ...mine.filter((f) => shown.has(f.fingerprint)),
    ...mine.filter((f) => !shown.has(f.fingerprint)),
  ]).filter((f) => !shown.has(f.fingerprint));
  const urgent = other.filter((f) => f.severity === "critical" || f.severity === "high");
  const minor = other.filter((f) => !urgent.includes(f));
  const low = intelligence.figures.get("email-blast-value-low");
  const high = intelligence.figures.get("email-blast-value-high");
  const cases = blastCases(model);
  const end = periodEnd(context.period);
  const subject = [
    "CMO",
    monthName(context.period, true),
    ...(intelligence.figures.get("channels-listed-share") !== undefined
      ? [
          `${formatFigure(intelligence.figures.get("channels-listed-share") as Figure)} of channels listed`,
        ]
      : []),
    ...(low !== undefined && high !== undefined
      ? [`blast case ${formatFigure(low)}–${formatFigure(high)}`]
      : []),
    plural(urgent.length + otaFindings.length + seoFindings.length, "finding"),
  ];
  const ota = otaOrder(intelligence);
  return reportDocument(
    intelligence,
    role,
    `CMO report — ${model.tenant.name}, ${monthName(context.period)}`,
    subject.join(" · "),
    [
      section(
        intelligence,
        "summary",
        "Summary",
        ["registry", "handoffs"],
        [
          paragraph(summary(intelligence, mine)),
          ...presentFigures(intelligence, [
            "channels-listed-share",
            "email-list-size",
            "email-blast-value-low",
            "email-blast-value-high",
            "ota-ready-count",
            "ota-gated-count",
          ]),
          ...(minor.length > 0 ? [paragraph(minorSentence(minor))] : []),
          findingList(urgent, "No other urgent marketing findings."),
        ],
      ),
      section(
        intelligence,
        "channel-matrix",
        "Channel visibility",
        ["registry"],
        [
          ...presentFigures(intelligence, ["channels-listed-share"]),
          ...chartOf(intelligence, "channels-by-status", { id: "channels-by-status", kind: "bar" }),
          ...tableIf(intelligence, "channel-matrix"),
          ...(model.channels.length === 0
            ? [paragraph("No channels are recorded in the registry.")]
            : []),
        ],
      ),
      section(
        intelligence,
        "email-blast-case",
        "Email blast business case",
        ["registry"],
        [
          paragraph(
            cases.length === 0
              ? "No email-blast campaign with an audience list is recorded, so there is no blast case."
              : cases
                  .map(
                    (c) =>
                      `${c.campaign.name}: ${grouped(c.audience.contacts)} contacts × open rate × click rate × conversion × ${formatValue(c.campaign.valuePerConversionCents / 100, "USD")} per booking gives ${formatValue(Math.round(c.conversionsLow * 100) / 100, "count")} to ${formatValue(Math.round(c.conversionsHigh * 100) / 100, "count")} bookings, worth ${formatValue(c.low, "USD")} (low case) to ${formatValue(c.high, "USD")} (high case).`,
                  )
                  .join(" "),
          ),
          ...presentFigures(intelligence, [
            "email-list-size",
            "email-blast-value-low",
            "email-blast-value-high",
          ]),
          ...tableIf(intelligence, "email-blast-case"),
          ...(cases.length > 0 ? listRisks(intelligence) : []),
        ],
      ),
      section(
        intelligence,
        "ota-sequencing",
        "OTA sequencing",
        ["registry"],
        [
          paragraph(
            ota.length === 0
              ? "Every OTA channel on record is listed, or none is recorded."
              : ota
                  .map(
                    ({ entity, order, gate }) =>
                      `${entity}: list in this order, ${order}. Ready listings go first; ${gate}.`,
                  )
                  .join(" "),
          ),
          ...presentFigures(intelligence, ["ota-ready-count", "ota-gated-count"]),
          ...tableIf(intelligence, "ota-sequencing"),
          findingList(otaFindings, "No OTA listing is blocked."),
        ],
      ),
      section(
        intelligence,
        "local-seo",
        "Local SEO roadmap",
        ["registry", "handoffs"],
        [
          ...tableIf(intelligence, "local-seo"),
          findingList(
            seoFindings,
            "Every Google Business Profile and directory channel is listed.",
          ),
        ],
      ),
      section(
        intelligence,
        "milestones-30-60-90",
        "30/60/90-day milestones",
        ["registry", "handoffs"],
        [
          paragraph(
            `Counted from ${end}. Ready OTA listings and local-search fixes come first, with any missing prerequisite document; email blasts follow; gated listings come last, once their prerequisites are valid.`,
          ),
          ...tableIf(intelligence, "milestones-30-60-90"),
        ],
      ),
    ],
  );
}
