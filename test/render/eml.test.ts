import { type ParsedMail, simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import {
  assembleMessage,
  type Envelope,
  prepareMessage,
} from "../../src/adapters/render/message.js";
import { renderReport, renderReports } from "../../src/adapters/render/render-report.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { PORTFOLIO, PORTFOLIO_ROLES } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";

// Each reference report assembled into an .eml and read back by mailparser, the parser behind
// many webmail and ticketing systems: what it cannot find, a mail client will not show.
const envelope = (role: string): Envelope => ({
  from: { name: "Exec Intel", email: "reports@example.com" },
  to: [{ name: "Sam Rivera", email: "sam@example.com" }],
  replyTo: { name: "Portfolio office", email: "office@example.com" },
  date: new Date("2026-11-01T07:00:00Z"),
  messageId: `<run-1.${role}.5e1f@exec-intel>`,
});

/** The header block of a raw message, continuation lines unfolded. */
function headerLines(eml: Buffer): string[] {
  const raw = eml.toString("latin1");
  return raw
    .slice(0, raw.indexOf("\r\n\r\n"))
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n");
}

/** Every `cid:` the HTML refers to. */
function cidsIn(html: string): string[] {
  return [...html.matchAll(/\bsrc=["']cid:([^"']+)["']/g)].map((m) => m[1] ?? "");
}

describe("assembled .eml of the reference reports", async () => {
  const { reports } = await computeTenant(PORTFOLIO);
  const rendered = await Promise.all(reports.map((document) => renderReport(document)));
  const parsed = new Map<string, { eml: Buffer; mail: ParsedMail; report: RenderedReport }>();
  for (const report of rendered) {
    const eml = await assembleMessage(report, envelope(report.document.role));
    // keepCidLinks: look at the cid references as a mail client receives them.
    parsed.set(report.document.role, {
      eml,
      mail: await simpleParser(eml, { keepCidLinks: true }),
      report,
    });
  }
  const roles = [...parsed.keys()];
  const get = (role: string) => {
    const found = parsed.get(role);
    if (found === undefined) throw new Error(`no ${role} message`);
    return found;
  };

  it("covers the eight reports", () => {
    expect(roles).toEqual([...PORTFOLIO_ROLES]);
  });

  it.each(roles)("%s: headers, subject and both alternatives survive parsing", (role) => {
    const { mail, report } = get(role);
    expect(mail.subject).toBe(report.document.subject);
    expect(mail.messageId).toBe(`<run-1.${role}.5e1f@exec-intel>`);
    expect(mail.date?.toISOString()).toBe("2026-11-01T07:00:00.000Z");
    expect(mail.from?.value).toEqual([{ name: "Exec Intel", address: "reports@example.com" }]);
    expect(mail.replyTo?.value).toEqual([
      { name: "Portfolio office", address: "office@example.com" },
    ]);
    expect(mail.headers.get("x-exec-intel-report")).toBe(report.document.id);
    expect(mail.text?.trim()).toBe(report.text.trim());
    expect(mail.html).toBe(report.html);
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
  });

  it.each(roles)("%s: every cid in the HTML is an inline image in multipart/related", (role) => {
    const { mail, report } = get(role);
    const cids = cidsIn(report.html);
    expect(cids.sort()).toEqual(report.charts.map((c) => c.cid).sort());
    for (const cid of cids) {
      const image = mail.attachments.find((a) => a.contentId === `<${cid}>`);
      expect(image, `no attachment for cid:${cid}`).toBeDefined();
      expect(image?.related, cid).toBe(true);
      expect(image?.contentType).toBe("image/png");
      const chart = report.charts.find((c) => c.cid === cid);
      expect(image?.content.equals(Buffer.from(chart?.png ?? []))).toBe(true);
    }
    expect(mail.attachments).toHaveLength(cids.length);
  });

  it("charts are present at all (the cid checks above are not vacuous)", () => {
    expect(rendered.reduce((n, r) => n + r.charts.length, 0)).toBeGreaterThan(0);
  });

  it("round-trips a non-ASCII subject through RFC 2047", async () => {
    const { report } = get("ceo");
    const subject = `${report.document.subject} — Zoë’s Café · Müller & Søn €`;
    const eml = await assembleMessage(
      { ...report, document: { ...report.document, subject } },
      envelope("ceo"),
    );
    expect(headerLines(eml).find((l) => l.startsWith("Subject:"))).toMatch(/=\?UTF-8\?[QB]\?/);
    expect(eml.toString("latin1")).not.toContain("Zoë");
    expect((await simpleParser(eml)).subject).toBe(subject);
  });

  it("attaches the PDF when asked, named after role and period", async () => {
    const document = reports.find((d) => d.role === "ceo");
    if (document === undefined) throw new Error("no ceo report");
    const printed = await renderReports([document], { pdf: true, paper: "A4" });
    expect(printed.pdf).toBe("printed");
    const [report] = printed.reports;
    if (report?.pdf === undefined) throw new Error("no PDF rendered");
    const eml = await assembleMessage(report, { ...envelope("ceo"), attachPdf: true });
    const mail = await simpleParser(eml, { keepCidLinks: true });
    const pdf = mail.attachments.find((a) => a.contentType === "application/pdf");
    expect(pdf?.filename).toBe(`ceo-report-${document.period}.pdf`);
    expect(pdf?.contentDisposition).toBe("attachment");
    expect(pdf?.related).not.toBe(true);
    expect(pdf?.content.equals(Buffer.from(report.pdf))).toBe(true);
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/mixed" });
    expect(mail.html).toBe(report.html);
  });

  it("refuses to attach a PDF that was not rendered", async () => {
    await expect(
      assembleMessage(get("cfo").report, { ...envelope("cfo"), attachPdf: true }),
    ).rejects.toThrow(/a PDF attachment was asked for but none was rendered/);
  });

  it("a subject or display name carrying CR/LF adds no header", async () => {
    const { report } = get("cmo");
    const attack = "\r\nBcc: evil@x.example\r\nX-Injected: 1";
    const eml = await assembleMessage(
      { ...report, document: { ...report.document, subject: `Report${attack}` } },
      {
        ...envelope("cmo"),
        from: { name: `Exec Intel${attack}`, email: "reports@example.com" },
        to: [{ name: `Sam${attack}`, email: "sam@example.com" }],
        replyTo: { name: `Office${attack}`, email: "office@example.com" },
      },
    );
    const names = headerLines(eml).map((line) => line.slice(0, line.indexOf(":")).toLowerCase());
    expect(names).not.toContain("bcc");
    expect(names).not.toContain("x-injected");
    expect(names.filter((n) => n === "subject")).toHaveLength(1);
    const mail = await simpleParser(eml);
    expect(mail.headers.has("bcc")).toBe(false);
    expect(mail.headers.has("x-injected")).toBe(false);
    expect(mail.subject).toBe("Report Bcc: evil@x.example X-Injected: 1");
    expect(mail.to).toMatchObject({
      value: [{ name: "Sam Bcc: evil@x.example X-Injected: 1", address: "sam@example.com" }],
    });
  });

  it.each([
    ["a line break", "sam@example.com\r\nBcc: evil@x.example"],
    ["a second address", "sam@example.com, evil@x.example"],
    ["angle brackets", "Sam <sam@example.com>"],
  ])("rejects a recipient address with %s", async (_what, email) => {
    await expect(
      assembleMessage(get("cmo").report, { ...envelope("cmo"), to: [{ name: "Sam", email }] }),
    ).rejects.toThrow(/to\[0\]: .* is not a plain email address/);
  });

  it("generates a Message-ID when none is given", async () => {
    const { messageId: _, ...rest } = envelope("cto");
    const mail = await simpleParser(await assembleMessage(get("cto").report, rest));
    expect(mail.messageId).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
  });

  it("a template built once gives each recipient their own To, Message-ID and Date over one body", async () => {
    const { report } = get("cfo");
    const { to: _to, messageId: _id, date: _date, ...shared } = envelope("cfo");
    const template = await prepareMessage(report, shared);
    const first = template.forRecipients(
      [{ name: "Ana", email: "ana@example.com" }],
      "<a.1@exec-intel>",
      new Date("2026-11-01T07:00:00Z"),
    );
    const second = template.forRecipients(
      [{ name: "Bo\r\nBcc: evil@x.example", email: "bo@example.com" }],
      "<b.2@exec-intel>",
      new Date("2026-11-02T08:30:00Z"),
    );
    const [a, b] = await Promise.all([
      simpleParser(first, { keepCidLinks: true }),
      simpleParser(second, { keepCidLinks: true }),
    ]);
    expect(a.to).toMatchObject({ value: [{ name: "Ana", address: "ana@example.com" }] });
    expect(b.to).toMatchObject({
      value: [{ name: "Bo Bcc: evil@x.example", address: "bo@example.com" }],
    });
    expect([a.messageId, b.messageId]).toEqual(["<a.1@exec-intel>", "<b.2@exec-intel>"]);
    expect(b.date?.toISOString()).toBe("2026-11-02T08:30:00.000Z");
    expect(b.headers.has("bcc")).toBe(false);
    // Only the header block differs: the bodies are the same bytes.
    const body = (eml: Buffer) => eml.subarray(eml.indexOf("\r\n\r\n"));
    expect(body(first).equals(body(second))).toBe(true);
    for (const mail of [a, b]) {
      expect(mail.subject).toBe(report.document.subject);
      expect(mail.html).toBe(report.html);
      expect(mail.attachments).toHaveLength(report.charts.length);
    }
    // Each header appears once in each copy.
    for (const eml of [first, second]) {
      const names = headerLines(eml).map((l) => l.slice(0, l.indexOf(":")).toLowerCase());
      for (const name of ["to", "message-id", "date", "from", "subject", "content-type"]) {
        expect(
          names.filter((n) => n === name),
          name,
        ).toHaveLength(1);
      }
    }
    expect(() => template.forRecipients([], "<c@x>")).toThrow(/at least one recipient/);
  });
});
