import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateConfig } from "../config.js";
import { InputError } from "../errors.js";
import { interpolateVariables, parseLocatedYaml } from "../yaml-document.js";
import {
  checkStarter,
  monthsFromSample,
  planStarter,
  SAMPLE_ENTITY,
  STARTER_ROLES,
  type StarterAnswers,
  shiftSampleDates,
  slugify,
  starterConfig,
} from "./starter.js";

const TEMPLATE = readFileSync(
  new URL("../../../templates/init/exec-intel.yaml", import.meta.url),
  "utf8",
);

// The machine's zone is a default, not an answer: a fixed one keeps the tests the same anywhere.
const SYSTEM_ZONE = "Europe/London";

/** The problems checkStarter has with `answers`, as [field, message] pairs. */
function objections(answers: StarterAnswers): [string, string][] {
  return checkStarter(answers, "(command line)", SYSTEM_ZONE).problems.map((p) => [
    p.field,
    p.problem.message,
  ]);
}

describe("slugify", () => {
  it("turns a name into a config id", () => {
    expect(slugify("Queen of San Diego")).toBe("queen-of-san-diego");
  });

  it("drops accents instead of the accented letters", () => {
    expect(slugify("Café Zoë Crème Brûlée")).toBe("cafe-zoe-creme-brulee");
  });

  it("reads & as and", () => {
    expect(slugify("Smith & Sons")).toBe("smith-and-sons");
    expect(slugify("R&D")).toBe("r-and-d");
  });

  it("collapses punctuation and trims dashes at the ends", () => {
    expect(slugify("  Joe's Bar, Grill -- & Pub!! ")).toBe("joe-s-bar-grill-and-pub");
    expect(slugify("(Main) Street #2")).toBe("main-street-2");
  });

  it("is empty for a name with no letters or digits", () => {
    expect(slugify("")).toBe("");
    expect(slugify("!!! --- ???")).toBe("");
  });
});

describe("shiftSampleDates", () => {
  it("moves YYYY-MM-DD, MM/DD/YYYY and YYYY-MM dates by whole months", () => {
    expect(shiftSampleDates("2026-10-03", 1)).toBe("2026-11-03");
    expect(shiftSampleDates("10/09/2026", 1)).toBe("11/09/2026");
    expect(shiftSampleDates("monthly-revenue,e,2026-10,9825.50,USD", 1)).toBe(
      "monthly-revenue,e,2026-11,9825.50,USD",
    );
  });

  it("carries across a year end, forwards and backwards", () => {
    expect(shiftSampleDates("2026-10-17", 3)).toBe("2027-01-17");
    expect(shiftSampleDates("10/17/2026", 3)).toBe("01/17/2027");
    expect(shiftSampleDates("2026-10", 3)).toBe("2027-01");
    expect(shiftSampleDates("2026-01-15", -1)).toBe("2025-12-15");
    expect(shiftSampleDates("01/15/2026", -1)).toBe("12/15/2025");
    expect(shiftSampleDates("2026-10", -12)).toBe("2025-10");
  });

  it("makes the 31st the last day of a 30-day month", () => {
    expect(shiftSampleDates("2026-10-31", 1)).toBe("2026-11-30");
    expect(shiftSampleDates("10/31/2026", 1)).toBe("11/30/2026");
  });

  it("makes the 31st the 28th of February in a non-leap year and the 29th in a leap year", () => {
    // 2027 is not a leap year; 2028 is.
    expect(shiftSampleDates("2026-10-31", 4)).toBe("2027-02-28");
    expect(shiftSampleDates("10/31/2026", 4)).toBe("02/28/2027");
    expect(shiftSampleDates("2026-10-31", 16)).toBe("2028-02-29");
    expect(shiftSampleDates("10/31/2026", 16)).toBe("02/29/2028");
  });

  it("keeps a day that exists in the new month", () => {
    expect(shiftSampleDates("2026-10-28", 4)).toBe("2027-02-28");
    expect(shiftSampleDates("2026-10-30", 1)).toBe("2026-11-30");
  });

  it("returns the text unchanged for a zero shift", () => {
    const text = "10/31/2026,RENT,-2400.00\n2026-10-31\n2026-10\n";
    expect(shiftSampleDates(text, 0)).toBe(text);
  });

  it("leaves ids, amounts and other numbers alone", () => {
    const row = 'cat-1001,SQUARE CARD SETTLEMENT,"1,812.40",SYSCO FOODS #4411,(415) 555-0134';
    expect(shiftSampleDates(row, 5)).toBe(row);
    expect(shiftSampleDates("cat-1001", -7)).toBe("cat-1001");
    expect(shiftSampleDates('"1,812.40"', 13)).toBe('"1,812.40"');
  });

  it("moves only the dates in a whole sample row", () => {
    expect(
      shiftSampleDates(
        "cat-1001,main-street-cafe,catering,Acme Offices,email,2026-10-03,2026-10-17,2026-10-17,completed,850.00,250.00,850.00",
        4,
      ),
    ).toBe(
      "cat-1001,main-street-cafe,catering,Acme Offices,email,2027-02-03,2027-02-17,2027-02-17,completed,850.00,250.00,850.00",
    );
    expect(shiftSampleDates('10/02/2026,SQUARE CARD SETTLEMENT,"1,812.40"', 4)).toBe(
      '02/02/2027,SQUARE CARD SETTLEMENT,"1,812.40"',
    );
  });
});

describe("monthsFromSample", () => {
  it("counts months from the sample's month (2026-10) to the period", () => {
    expect(monthsFromSample("2026-10")).toBe(0);
    expect(monthsFromSample("2026-11")).toBe(1);
    expect(monthsFromSample("2027-02")).toBe(4);
    expect(monthsFromSample("2026-01")).toBe(-9);
    expect(monthsFromSample("2025-10")).toBe(-12);
  });

  it("lands the sample's dates in the period when used as the shift", () => {
    expect(shiftSampleDates("2026-10-31", monthsFromSample("2028-02"))).toBe("2028-02-29");
  });
});

describe("checkStarter and planStarter", () => {
  it("fills every answer left out with the sample's defaults", () => {
    const { plan, problems } = checkStarter({}, "(command line)", SYSTEM_ZONE);
    expect(problems).toEqual([]);
    expect(plan).toEqual({
      tenant: { id: "my-business", name: "My Business" },
      entities: [{ id: "main-street-cafe", name: "Main Street Cafe" }],
      roles: [
        {
          id: "ceo",
          title: "Chief Executive Officer",
          recipients: [{ name: "Owner", email: "owner@example.com" }],
        },
        {
          id: "cfo",
          title: "Chief Financial Officer",
          recipients: [{ name: "Owner", email: "owner@example.com" }],
        },
      ],
      currency: "USD",
      timezone: SYSTEM_ZONE,
    });
    expect(planStarter({}, "(command line)", SYSTEM_ZONE)).toEqual(plan);
  });

  it("takes the answers given: ids from names, roles lower-cased, the currency upper-cased", () => {
    const plan = planStarter(
      {
        tenant: "  Acme & Co ",
        entities: ["Café Uno", "Bar Two"],
        roles: ["CEO", " cto "],
        recipients: { ceo: ["jane.doe@acme.example", "bob@acme.example"] },
        currency: "eur",
        timezone: "America/Chicago",
      },
      "(command line)",
      SYSTEM_ZONE,
    );
    expect(plan.tenant).toEqual({ id: "acme-and-co", name: "Acme & Co" });
    expect(plan.entities).toEqual([
      { id: "cafe-uno", name: "Café Uno" },
      { id: "bar-two", name: "Bar Two" },
    ]);
    expect(plan.roles.map((r) => [r.id, r.recipients])).toEqual([
      [
        "ceo",
        [
          { name: "Jane Doe", email: "jane.doe@acme.example" },
          { name: "Bob", email: "bob@acme.example" },
        ],
      ],
      // A chosen report nobody was named for still goes somewhere: the default address.
      ["cto", [{ name: "Owner", email: "owner@example.com" }]],
    ]);
    expect(plan.currency).toBe("EUR");
    expect(plan.timezone).toBe("America/Chicago");
  });

  it("reports every problem at once, each with the answer it is about", () => {
    const answers: StarterAnswers = {
      tenant: "!!!",
      entities: ["Shop", "shop"],
      roles: ["ceo", "coo"],
      recipients: { ceo: ["not-an-email"], cmo: ["cmo@example.com"] },
      currency: "dollars",
      timezone: "Mars/Olympus_Mons",
    };
    const fields = checkStarter(answers, "(command line)", SYSTEM_ZONE).problems.map(
      (p) => p.field,
    );
    expect([...fields].sort()).toEqual(
      ["currency", "entities", "recipients", "recipients", "roles", "tenant", "timezone"].sort(),
    );
    let thrown: unknown;
    try {
      planStarter(answers, "(command line)", SYSTEM_ZONE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const problems = (thrown as InputError).problems;
    expect(problems).toHaveLength(7);
    for (const p of problems) {
      expect(p).toMatchObject({ file: "(command line)", severity: "error" });
      expect(p.hint).toBeTruthy();
    }
  });

  it("names the origin it is given as the file of each problem", () => {
    const { problems } = checkStarter({ currency: "US" }, "prompt", SYSTEM_ZONE);
    expect(problems.map((p) => p.problem.file)).toEqual(["prompt"]);
  });

  it("refuses an entity given twice, even spelt differently", () => {
    expect(objections({ entities: ["Shop One", "shop  one!"] })).toEqual([
      ["entities", 'entity "shop  one!" is given twice (as shop-one)'],
    ]);
  });

  it("refuses no entity, and an entity with no letters or digits", () => {
    expect(objections({ entities: ["", "  "] })).toEqual([["entities", "no entity given"]]);
    expect(objections({ entities: ["Shop", "???"] })).toEqual([
      ["entities", 'entity "???" has no letters or digits'],
    ]);
  });

  it("refuses an unknown report and lists the ones init can set up", () => {
    const { problems } = checkStarter({ roles: ["ceo", "coo"] }, "(command line)", SYSTEM_ZONE);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe("roles");
    expect(problems[0]?.problem.message).toBe('"coo" is not a report init can set up');
    for (const role of STARTER_ROLES) expect(problems[0]?.problem.hint).toContain(role);
  });

  it("refuses no report at all", () => {
    expect(objections({ roles: [" "] })).toEqual([["roles", "no report chosen"]]);
  });

  it("refuses a recipient for a report that was not chosen, and says how to add it", () => {
    const { problems } = checkStarter(
      { roles: ["ceo"], recipients: { cfo: ["books@example.com"] } },
      "(command line)",
      SYSTEM_ZONE,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe("recipients");
    expect(problems[0]?.problem.message).toContain('"cfo"');
    expect(problems[0]?.problem.hint).toContain("--role cfo");
  });

  it("refuses an address that is not an email, naming the report it was for", () => {
    for (const bad of ["jane", "jane@", "jane@example", "jane doe@example.com", "@example.com"]) {
      expect(objections({ recipients: { ceo: [bad] } })).toEqual([
        ["recipients", `"${bad}" (recipient of the ceo report) is not an email address`],
      ]);
    }
  });

  it("refuses a currency that is not a three-letter code", () => {
    for (const bad of ["US", "dollars", "US$", "12A"]) {
      expect(objections({ currency: bad }).map(([field]) => field)).toEqual(["currency"]);
    }
    expect(objections({ currency: "gbp" })).toEqual([]);
  });

  it("refuses a time zone that is not an IANA name, the machine's included", () => {
    expect(objections({ timezone: "Mars/Olympus_Mons" })).toEqual([
      ["timezone", '"Mars/Olympus_Mons" is not a time zone'],
    ]);
    expect(objections({ timezone: "" }).map(([field]) => field)).toEqual(["timezone"]);
    expect(checkStarter({}, "(command line)", "Not/AZone").problems.map((p) => p.field)).toEqual([
      "timezone",
    ]);
  });

  it("refuses a tenant name with no letters or digits", () => {
    expect(objections({ tenant: "---" })).toEqual([
      ["tenant", 'tenant "---" has no letters or digits'],
    ]);
  });
});

describe("starterConfig", () => {
  const plan = planStarter(
    {
      tenant: "Harbour Group",
      entities: ["Dockside Diner", "Pier Bakery"],
      roles: ["ceo", "cto", "accounting"],
      recipients: { ceo: ["ann@harbour.example"], accounting: ["books@harbour.example"] },
      currency: "GBP",
      timezone: "Europe/London",
    },
    "(command line)",
    SYSTEM_ZONE,
  );
  const text = starterConfig(TEMPLATE, plan);

  it("writes YAML that the config's own check accepts, with no variable left to set", () => {
    expect(() => parse(text)).not.toThrow();
    const { yaml, problems } = parseLocatedYaml(text, "exec-intel.yaml");
    expect(problems).toEqual([]);
    // A fresh workspace has no .env yet: validate must pass without any variable set.
    expect(interpolateVariables(yaml, {})).toEqual([]);
    const result = validateConfig(yaml.document.toJS(), yaml);
    expect(result.problems).toEqual([]);
    const tenant = result.config?.tenants[0];
    expect(result.config?.tenants).toHaveLength(1);
    expect(tenant).toMatchObject({
      id: "harbour-group",
      name: "Harbour Group",
      currency: "GBP",
      timezone: "Europe/London",
    });
    expect(tenant?.entities.map((e) => [e.id, e.name])).toEqual([
      ["dockside-diner", "Dockside Diner"],
      ["pier-bakery", "Pier Bakery"],
    ]);
    expect(Object.keys(tenant?.roles ?? {})).toEqual(["ceo", "cto", "accounting"]);
    expect(tenant?.roles.ceo?.recipients.map((r) => r.email)).toEqual(["ann@harbour.example"]);
    expect(tenant?.roles.cto?.recipients.map((r) => r.email)).toEqual(["owner@example.com"]);
    expect(tenant?.roles.accounting?.recipients.map((r) => r.email)).toEqual([
      "books@harbour.example",
    ]);
  });

  it("renames the sample entity to the first entity everywhere", () => {
    expect(TEMPLATE).toContain(SAMPLE_ENTITY);
    expect(text).not.toContain(SAMPLE_ENTITY);
    const config = parse(text) as {
      tenants: { sources: { id: string; entity?: string }[] }[];
    };
    const ledger = config.tenants[0]?.sources.find((s) => s.id === "checking");
    expect(ledger?.entity).toBe("dockside-diner");
  });

  it("keeps the template's sources and transport", () => {
    const config = parse(text) as {
      tenants: { sources: { id: string }[] }[];
      transport: { driver: string };
    };
    expect(config.tenants[0]?.sources.map((s) => s.id)).toEqual([
      "registry",
      "handoffs",
      "checking",
      "bookings",
      "kpis",
    ]);
    expect(config.transport.driver).toBe("outbox");
  });
});
