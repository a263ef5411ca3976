import { parseDocument } from "yaml";
import { InputError, type Problem, problem } from "../errors.js";

// The starter workspace `exec-intel init` writes: the template under templates/init/ (a small
// cafe's October 2026 records) made the user's own — their tenant, entities, reports and
// recipients — with the sample's dates moved to the last full month, so the first run reports
// on fresh data whatever the day it is tried.

/** The reports `init` sets up; domain reports need domain data first (docs/data-formats.md). */
export const STARTER_ROLES = ["ceo", "cto", "accounting", "cmo", "cfo"] as const;

/** The entity id the template's sample data belongs to. */
export const SAMPLE_ENTITY = "main-street-cafe";

/** The month the template's sample data describes. */
export const SAMPLE_PERIOD = "2026-10";

/** What the user said, from prompts or flags; anything left out takes the sample's value. */
export interface StarterAnswers {
  tenant?: string;
  entities?: readonly string[];
  roles?: readonly string[];
  /** Addresses per role; a role without any gets `defaultRecipient`. */
  recipients?: Readonly<Record<string, readonly string[]>>;
  currency?: string;
  timezone?: string;
}

/** A checked set of answers, ready to be written. */
export interface StarterPlan {
  tenant: { id: string; name: string };
  entities: { id: string; name: string }[];
  roles: { id: string; title: string; recipients: { name: string; email: string }[] }[];
  currency: string;
  timezone: string;
}

/** The values a starter workspace has when nobody says otherwise. */
export const STARTER_DEFAULTS = {
  tenant: "My Business",
  entities: ["Main Street Cafe"],
  roles: ["ceo", "cfo"],
  recipient: "owner@example.com",
  currency: "USD",
} as const;

const TITLES: Record<(typeof STARTER_ROLES)[number], string> = {
  ceo: "Chief Executive Officer",
  cto: "Chief Technology Officer",
  accounting: "Accounting",
  cmo: "Chief Marketing Officer",
  cfo: "Chief Financial Officer",
};

/** KPIs each role's report looks for; the sample has monthly revenue, so one shows as missing. */
const EXPECTED_KPIS: Partial<Record<(typeof STARTER_ROLES)[number], string[]>> = {
  ceo: ["monthly-revenue", "customer-acquisition-cost"],
  cfo: ["monthly-revenue"],
};

// Deliberately loose: the config's own check is the judge; this catches typos at the prompt.
const EMAIL = /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Checks the answers and fills in defaults; every problem is reported at once, as an InputError
 * whose file is `origin` (the command line, or the prompt).
 */
export function planStarter(
  answers: StarterAnswers,
  origin: string,
  systemTimezone: string,
): StarterPlan {
  const { plan, problems } = checkStarter(answers, origin, systemTimezone);
  if (problems.length > 0) throw new InputError(problems.map((p) => p.problem));
  return plan;
}

/** One objection to the answers, with the answer it is about (a prompt asks that one again). */
export interface StarterProblem {
  field: keyof StarterAnswers;
  problem: Problem;
}

/** The plan for the answers and every objection to them. */
export function checkStarter(
  answers: StarterAnswers,
  origin: string,
  systemTimezone: string,
): { plan: StarterPlan; problems: StarterProblem[] } {
  const problems: StarterProblem[] = [];
  const fail = (field: keyof StarterAnswers, message: string, hint: string) =>
    problems.push({ field, problem: problem(origin, undefined, message, hint) });
  const tenantName = (answers.tenant ?? STARTER_DEFAULTS.tenant).trim();
  const tenantId = slugify(tenantName);
  if (tenantId === "")
    fail(
      "tenant",
      `tenant "${tenantName}" has no letters or digits`,
      'name it, e.g. "Acme Holdings"',
    );
  const entityNames = (answers.entities ?? STARTER_DEFAULTS.entities)
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (entityNames.length === 0)
    fail("entities", "no entity given", 'name each business, e.g. "Main Street Cafe"');
  const entities: StarterPlan["entities"] = [];
  for (const name of entityNames) {
    const id = slugify(name);
    if (id === "") fail("entities", `entity "${name}" has no letters or digits`, "give it a name");
    else if (entities.some((e) => e.id === id))
      fail("entities", `entity "${name}" is given twice (as ${id})`, "name each entity once");
    else entities.push({ id, name });
  }
  const roleIds = [
    ...new Set((answers.roles ?? STARTER_DEFAULTS.roles).map((r) => r.trim().toLowerCase())),
  ].filter((r) => r !== "");
  if (roleIds.length === 0)
    fail("roles", "no report chosen", `choose from: ${STARTER_ROLES.join(", ")}`);
  for (const role of roleIds) {
    if (!isStarterRole(role))
      fail(
        "roles",
        `"${role}" is not a report init can set up`,
        `choose from: ${STARTER_ROLES.join(", ")}; domain reports are added by hand (docs/data-formats.md)`,
      );
  }
  for (const role of Object.keys(answers.recipients ?? {})) {
    if (!roleIds.includes(role))
      fail(
        "recipients",
        `recipient given for "${role}", which is not among the reports (${roleIds.filter(isStarterRole).join(", ") || "none"})`,
        `add the report with --role ${role}, or drop its --recipient`,
      );
  }
  const roles: StarterPlan["roles"] = [];
  for (const role of roleIds.filter(isStarterRole)) {
    const given = (answers.recipients?.[role] ?? []).map((e) => e.trim()).filter((e) => e !== "");
    const emails = given.length > 0 ? given : [STARTER_DEFAULTS.recipient];
    for (const email of emails) {
      if (!EMAIL.test(email))
        fail(
          "recipients",
          `"${email}" (recipient of the ${role} report) is not an email address`,
          "write it like jane@example.com",
        );
    }
    roles.push({
      id: role,
      title: TITLES[role],
      recipients: [...new Set(emails.map((e) => e.toLowerCase()))].map((email) => ({
        name: nameFromAddress(email),
        email,
      })),
    });
  }
  const currency = (answers.currency ?? STARTER_DEFAULTS.currency).trim().toUpperCase();
  if (!CURRENCY.test(currency))
    fail(
      "currency",
      `"${currency}" is not a currency code`,
      "use a three-letter ISO 4217 code such as USD or EUR",
    );
  const timezone = (answers.timezone ?? systemTimezone).trim();
  if (!isTimeZone(timezone))
    fail(
      "timezone",
      `"${timezone}" is not a time zone`,
      "use an IANA name such as America/New_York or Europe/London",
    );
  return {
    plan: { tenant: { id: tenantId, name: tenantName }, entities, roles, currency, timezone },
    problems,
  };
}

/** Whether `role` is one of the reports init sets up. */
export function isStarterRole(role: string): role is (typeof STARTER_ROLES)[number] {
  return (STARTER_ROLES as readonly string[]).includes(role);
}

/** A config id from a name: "Queen of San Diego" → "queen-of-san-diego". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The template's exec-intel.yaml made the plan's: tenant, entities, reports and recipients. */
export function starterConfig(template: string, plan: StarterPlan): string {
  const document = parseDocument(renameSampleEntity(template, plan));
  const tenant = ["tenants", 0];
  document.setIn([...tenant, "id"], plan.tenant.id);
  document.setIn([...tenant, "name"], plan.tenant.name);
  document.setIn([...tenant, "currency"], plan.currency);
  document.setIn([...tenant, "timezone"], plan.timezone);
  document.setIn(
    [...tenant, "entities"],
    document.createNode(plan.entities.map((e) => ({ id: e.id, name: e.name, kind: "business" }))),
  );
  document.setIn(
    [...tenant, "roles"],
    document.createNode(
      Object.fromEntries(
        plan.roles.map((role) => [
          role.id,
          {
            title: role.title,
            recipients: role.recipients,
            ...(EXPECTED_KPIS[role.id as keyof typeof EXPECTED_KPIS] !== undefined
              ? { expectedKpis: EXPECTED_KPIS[role.id as keyof typeof EXPECTED_KPIS] }
              : {}),
          },
        ]),
      ),
    ),
  );
  return document.toString({ lineWidth: 100 });
}

/** A template data file made the plan's: the sample entity renamed, dates moved by `months`. */
export function starterSample(text: string, plan: StarterPlan, months: number): string {
  return shiftSampleDates(renameSampleEntity(text, plan), months);
}

/** Months from the sample's month to `period` (YYYY-MM): how far the sample's dates move. */
export function monthsFromSample(period: string): number {
  return monthIndex(period) - monthIndex(SAMPLE_PERIOD);
}

/**
 * Moves every date in `text` by `months`: YYYY-MM-DD, MM/DD/YYYY and YYYY-MM (a KPI's period).
 * A day past the end of its new month becomes the month's last day.
 */
export function shiftSampleDates(text: string, months: number): string {
  if (months === 0) return text;
  return text.replace(
    /\b(\d{4})-(\d{2})(?:-(\d{2}))?\b|\b(\d{2})\/(\d{2})\/(\d{4})\b/g,
    (match, y1, m1, d1, m2, d2, y2) => {
      if (y1 !== undefined) {
        const moved = shiftMonth(Number(y1), Number(m1), months);
        if (d1 === undefined) return `${moved.year}-${pad(moved.month)}`;
        return `${moved.year}-${pad(moved.month)}-${pad(clampDay(Number(d1), moved))}`;
      }
      if (y2 !== undefined) {
        const moved = shiftMonth(Number(y2), Number(m2), months);
        return `${pad(moved.month)}/${pad(clampDay(Number(d2), moved))}/${moved.year}`;
      }
      return match;
    },
  );
}

function renameSampleEntity(text: string, plan: StarterPlan): string {
  const first = plan.entities[0]?.id ?? SAMPLE_ENTITY;
  return text.replaceAll(SAMPLE_ENTITY, first);
}

function monthIndex(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

function shiftMonth(year: number, month: number, by: number): { year: number; month: number } {
  const index = year * 12 + month - 1 + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function clampDay(day: number, at: { year: number; month: number }): number {
  const last = new Date(Date.UTC(at.year, at.month, 0)).getUTCDate();
  return Math.min(day, last);
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** "jane.doe@example.com" → "Jane Doe": a readable name until the user writes the real one. */
function nameFromAddress(email: string): string {
  const local = email.split("@")[0] ?? email;
  return local
    .split(/[._+-]+/)
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone !== "";
  } catch {
    return false;
  }
}
