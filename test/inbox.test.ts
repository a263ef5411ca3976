import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import { beforeAll, describe, expect, it } from "vitest";
import { openAnnotationStore } from "../src/adapters/store/session-store.js";
import { replyNote } from "../src/core/feedback/reply-text.js";
import { type InboxOutcome, listenForReplies } from "../src/entry/inbox.js";
import { portfolioCopies, runCli } from "./helpers/cli.js";

// Replies to report emails become notes: a run with feedback on gives each message a Reply-To
// with a signed token; `exec-intel inbox` reads reply .eml files (built here the way a mail
// client would send them), verifies token and sender, strips the quoted report and signature,
// and attaches the rest to the report, or to the section the first line names.

const SECRET = "reply-secret-for-tests-0123456789abcdef";
const env = { REPLY_TOKEN_SECRET: SECRET };
const copies = portfolioCopies();
const workspace = () => copies("feedback:\n  secretEnv: REPLY_TOKEN_SECRET\n");

let dir: string;
let replyTo: string;
let messageId: string;

beforeAll(async () => {
  dir = await workspace();
  const run = await runCli(["run", "-w", dir, "--period", "2026-10"], { env });
  expect(run.code, run.stderr).toBe(0);
  const sent = await simpleParser(
    await readFile(
      path.join(dir, ".exec-intel/outbox/portfolio/2026-10/cto/sam.okafor_at_example.com.eml"),
    ),
  );
  replyTo = sent.replyTo?.value[0]?.address ?? "";
  messageId = sent.messageId ?? "";
}, 180_000);

/** A reply .eml as a mail client writes it; returns its path. */
async function reply(name: string, fields: { from: string; to: string; text: string }) {
  const raw = await new MailComposer({
    ...fields,
    subject: "Re: CTO · Oct 2026",
    inReplyTo: messageId,
    date: new Date("2026-11-22T09:30:00Z"),
  })
    .compile()
    .build();
  const file = path.join(dir, `${name}.eml`);
  await writeFile(file, raw);
  return file;
}

const QUOTED =
  "\n\nOn Sat, Nov 21, 2026 at 8:00 AM Owner Portfolio Reports <reports@example.com> wrote:\n> CTO report — Owner Portfolio, October 2026\n> Security gaps\n\n-- \nSam Okafor\nContract developer";

describe("replies to reports", () => {
  it("gives each recipient a Reply-To with a token of its own delivery", async () => {
    expect(replyTo).toMatch(/^[^+@]+\+r\.[0-9a-f]{16}\.[0-9a-f]{24}@/);
    const owner = await simpleParser(
      await readFile(
        path.join(dir, ".exec-intel/outbox/portfolio/2026-10/cto/owner_at_example.com.eml"),
      ),
    );
    expect(owner.replyTo?.value[0]?.address).not.toBe(replyTo);
  });

  it("attaches a verified reply to the section its first line names, without the quote and signature", async () => {
    const file = await reply("sam-reply", {
      from: "Sam Okafor <sam.okafor@example.com>",
      to: replyTo,
      text: `Section: security-gaps\nThe Stripe keys were rolled on Nov 3; history purge is next.${QUOTED}`,
    });
    const result = await runCli(["inbox", "-w", dir, file, "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        file,
        status: "attached",
        tenant: "portfolio",
        report: "portfolio/2026-10/cto",
        section: "security-gaps",
        id: expect.any(Number),
      },
    ]);
    const notes = openAnnotationStore(path.join(dir, ".exec-intel", "state.sqlite"));
    try {
      expect(notes.list("portfolio", { period: "2026-10", role: "cto" }).at(-1)).toMatchObject({
        author: "sam.okafor@example.com",
        via: "email",
        section: "security-gaps",
        text: "The Stripe keys were rolled on Nov 3; history purge is next.",
        at: "2026-11-22T09:30:00.000Z",
      });
    } finally {
      notes.close();
    }
  });

  it("rejects a reply from another address, a forged token and a message without one, attaching nothing", async () => {
    const notes = openAnnotationStore(path.join(dir, ".exec-intel", "state.sqlite"));
    const before = notes.list("portfolio").length;
    notes.close();
    const forgedMac = replyTo.replace(
      /\.([0-9a-f])([0-9a-f]{23})@/,
      (_, c: string, rest: string) => `.${c === "0" ? "1" : "0"}${rest}@`,
    );
    const files = [
      await reply("mallory", {
        from: "mallory@example.com",
        to: replyTo,
        text: "Approve my invoice",
      }),
      await reply("forged", { from: "sam.okafor@example.com", to: forgedMac, text: "Forged" }),
      await reply("plain", {
        from: "sam.okafor@example.com",
        to: "reports@example.com",
        text: "No token",
      }),
    ];
    const result = await runCli(["inbox", "-w", dir, ...files], { env });
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split("\n")).toEqual([
      `rejected  ${files[0]}: it comes from mallory@example.com, not from sam.okafor@example.com, whom the report was sent to`,
      `rejected  ${files[1]}: no verifiable reply token in its To or Cc address`,
      `rejected  ${files[2]}: no verifiable reply token in its To or Cc address`,
    ]);
    const after = openAnnotationStore(path.join(dir, ".exec-intel", "state.sqlite"));
    expect(after.list("portfolio")).toHaveLength(before);
    after.close();
  });

  it("refuses to read replies without the secret the reports were signed with", async () => {
    const file = await reply("no-secret", {
      from: "sam.okafor@example.com",
      to: replyTo,
      text: "Hi",
    });
    const result = await runCli(["inbox", "-w", dir, file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "feedback.secretEnv names REPLY_TOKEN_SECRET, which is not set",
    );
  });

  it("refuses a run with feedback on but no secret, before any report is made", async () => {
    const other = await workspace();
    const result = await runCli(["run", "-w", other, "--period", "2026-10"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "feedback.secretEnv names REPLY_TOKEN_SECRET, which is not set",
    );
  });
});

describe("inbox --listen", () => {
  it("accepts a reply by SMTP and attaches it; refuses an address without a token at RCPT", async () => {
    const outcomes: InboxOutcome[] = [];
    const { port, stop } = await listenForReplies({
      workspace: dir,
      env,
      host: "127.0.0.1",
      port: 0,
      now: () => new Date("2026-11-22T10:00:00Z"),
      onOutcome: (o) => outcomes.push(o),
    });
    const smtp = createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    try {
      await smtp.sendMail({
        from: "sam.okafor@example.com",
        to: replyTo,
        subject: "Re: CTO",
        text: "#cloud-costs\nThe Elastic IP is released.",
      });
      expect(outcomes).toEqual([
        expect.objectContaining({
          status: "attached",
          report: "portfolio/2026-10/cto",
          section: "cloud-costs",
        }),
      ]);
      await expect(
        smtp.sendMail({
          from: "sam.okafor@example.com",
          to: "owner@example.com",
          subject: "x",
          text: "y",
        }),
      ).rejects.toThrow(/550/);
      expect(outcomes).toHaveLength(1);
    } finally {
      smtp.close();
      await stop();
    }
  });
});

describe("replyNote", () => {
  it("keeps the reply's own words and drops quotes, forwarded headers and signatures", () => {
    expect(replyNote("Looks right.\r\n> quoted line\r\n-- \r\nPriya")).toEqual({
      text: "Looks right.",
    });
    expect(replyNote("#burn-rate\nCheck May.\n\n-----Original Message-----\nFrom: x")).toEqual({
      text: "Check May.",
      section: "burn-rate",
    });
    expect(replyNote("Thanks\n\nFrom: Reports <r@example.com>\nSent: today")).toEqual({
      text: "Thanks",
    });
    expect(replyNote("Section: Not A Slug!\nHello")).toEqual({
      text: "Section: Not A Slug!\nHello",
    });
  });
});
