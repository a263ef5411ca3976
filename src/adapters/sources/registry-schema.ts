import { z } from "zod";
import { parseDate } from "./values.js";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes");
const entityRef = z.string().min(1).describe("Entity id, canonical name or alias");
const isoDate = z
  .string()
  .refine(
    (text) => parseDate(text, "YYYY-MM-DD") !== undefined,
    "not a real date in the format YYYY-MM-DD",
  );
const dollars = z
  .number()
  .nonnegative()
  .max(1e10, "amounts above 10,000,000,000 are not supported")
  .describe("Amount in the tenant currency, e.g. 1650 or 12.50");
const rate = z.number().min(0).max(1).describe("A fraction between 0 and 1, e.g. 0.25 for 25%");
const funnel = z.strictObject({ open: rate, click: rate, conversion: rate });

/** The registry YAML file: assets, revenue streams, people, systems, channels, documents, policies, planned spends, campaigns. */
export const registrySchema = z.strictObject({
  asOf: isoDate.describe("The date this registry was last reviewed"),
  assets: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        kind: z.enum([
          "vessel",
          "property",
          "domain",
          "email-list",
          "equipment",
          "software",
          "other",
        ]),
        name: z.string().min(1),
        contacts: z
          .number()
          .int()
          .nonnegative()
          .optional()
          .describe("Subscribed contacts, for email lists"),
        notes: z.string().optional(),
      }),
    )
    .default([]),
  revenueStreams: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        name: z.string().min(1),
        pricing: z.strictObject({
          model: z.enum([
            "per-unit",
            "hourly",
            "retainer",
            "subscription",
            "fixed-fee",
            "commission",
            "none",
          ]),
          price: dollars.optional(),
          unit: z.string().optional(),
          variableCost: dollars.optional().describe("Cost of delivering one unit"),
        }),
        billing: z.strictObject({
          model: z.enum(["stripe", "invoice", "pos", "ota-payout", "cash", "none"]),
          system: z.string().optional(),
        }),
      }),
    )
    .default([]),
  people: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1),
        role: z.string().min(1),
        entities: z.array(entityRef).default([]),
        keyPerson: z.boolean().default(false),
        equity: z
          .strictObject({
            status: z.enum(["documented", "undocumented", "none"]),
            percent: z.number().min(0).max(100).optional(),
            note: z.string().optional(),
          })
          .default({ status: "none" }),
        agreements: z
          .array(
            z.strictObject({
              kind: z.string().min(1),
              status: z.enum(["signed", "draft", "missing", "verbal"]),
            }),
          )
          .default([]),
        transitionPlan: z.string().optional(),
      }),
    )
    .default([]),
  systems: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        name: z.string().min(1),
        kind: z.enum([
          "frontend",
          "backend",
          "database",
          "storage",
          "cdn",
          "hosting",
          "auth",
          "analytics",
          "billing",
          "email",
          "dashboard",
          "other",
        ]),
        technology: z.string().min(1),
        version: z.string().optional(),
        hosting: z.string().optional(),
        region: z.string().optional(),
        repo: z.string().optional(),
        monthlyCost: z.strictObject({ low: dollars, high: dollars }).optional(),
        savings: z
          .array(z.strictObject({ monthly: dollars, action: z.string().min(1) }))
          .default([]),
      }),
    )
    .default([]),
  channels: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        kind: z.enum([
          "website",
          "google-business-profile",
          "ota",
          "social",
          "email-list",
          "directory",
          "other",
        ]),
        name: z.string().min(1),
        status: z.enum(["listed", "not-listed", "planned", "suspended"]),
        url: z.string().optional(),
        prerequisites: z
          .array(id)
          .default([])
          .describe("Document ids that must be valid before listing"),
        priority: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  documents: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        name: z.string().min(1),
        status: z.enum(["valid", "missing", "expired", "pending"]),
        expires: isoDate.optional(),
      }),
    )
    .default([]),
  policies: z
    .array(
      z.strictObject({
        id,
        description: z.string().min(1),
        kind: z.enum(["forbid-spend", "capital-for-revenue-only", "max-monthly-spend"]),
        match: z
          .string()
          .optional()
          .describe("Case-insensitive pattern over transaction descriptions"),
        accounts: z.array(z.string()).default([]),
        limit: dollars.optional(),
      }),
    )
    .default([]),
  plannedSpends: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        description: z.string().min(1),
        amount: dollars,
        cadence: z.enum(["once", "monthly", "yearly"]),
        revenueProducing: z.boolean(),
        dependsOn: z.array(id).default([]),
      }),
    )
    .default([]),
  campaigns: z
    .array(
      z.strictObject({
        id,
        entity: entityRef,
        kind: z.enum(["email-blast", "ads", "ota-launch", "seo"]),
        name: z.string().min(1),
        audience: id.optional().describe("Asset id of the audience, e.g. the email list"),
        valuePerConversion: dollars,
        assumptions: z.strictObject({ low: funnel, high: funnel }),
      }),
    )
    .default([]),
});

/** The registry as written by the user, after validation. */
export type RegistryFile = z.output<typeof registrySchema>;
