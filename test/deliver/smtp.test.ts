import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createSmtpTransport,
  type SmtpOptions,
} from "../../src/adapters/deliver/smtp-transport.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { freePort } from "../helpers/ses-emulator.js";
import { outgoing, referenceReport } from "./report-message.js";

// The SMTP transport against smtp-server on 127.0.0.1. The servers use smtp-server's built-in
// localhost certificate (self-signed, expired) for STARTTLS and implicit TLS, so the client is
// told not to verify it (and a test checks that, told to verify, it refuses).
const USER = "reports";
const PASS = "correct horse";

/** One message as the server received it. */
interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  user: unknown;
}

/** Replies the test server gives to recipients whose local part starts with these words. */
const RCPT_REPLIES: Record<string, { code: number; text: string }> = {
  defer: { code: 451, text: "Mailbox busy, try again later" },
  reject: { code: 550, text: "No such user here" },
};

async function startServer(
  received: Received[],
  extra: SMTPServerOptions = {},
): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) return callback(null, { user: USER });
      return callback(
        Object.assign(new Error("Invalid username or password"), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      const reply = RCPT_REPLIES[address.address.split(/[@+]/)[0] ?? ""];
      if (reply === undefined) return callback();
      return callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user,
        });
        callback(null, "Queued as T1");
      });
    },
    ...extra,
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("SMTP transport (smtp-server on 127.0.0.1)", () => {
  const received: Received[] = [];
  let report: RenderedReport;
  let starttls: { port: number; stop: () => Promise<void> };
  let implicitTls: { port: number; stop: () => Promise<void> };

  beforeAll(async () => {
    report = await referenceReport();
    starttls = await startServer(received);
    implicitTls = await startServer(received, { secure: true });
  }, 60_000);

  afterAll(async () => {
    await starttls?.stop();
    await implicitTls?.stop();
  });

  beforeEach(() => {
    received.length = 0;
  });

  const smtp = (extra: Partial<SmtpOptions> = {}) =>
    createSmtpTransport({
      host: "127.0.0.1",
      port: starttls.port,
      requireTLS: true,
      rejectUnauthorized: false,
      user: USER,
      pass: PASS,
      timeoutMs: 5_000,
      ...extra,
    });

  /** Sends one report message with a fresh transport and closes it. */
  const sendOnce = async (
    recipient: string,
    extra: Partial<SmtpOptions> = {},
    archive?: string,
  ) => {
    const transport = smtp(extra);
    const message = await outgoing(report, recipient, archive !== undefined ? { archive } : {});
    const result = await transport.send(message);
    await transport.close();
    return result;
  };

  it("delivers the report over STARTTLS with login, the archive as a silent envelope recipient", async () => {
    const message = await outgoing(report, "sam@example.com", { archive: "archive@example.com" });
    const transport = smtp();
    const result = await transport.send(message);
    await transport.close();

    expect(result).toEqual({ status: "sent", providerMessageId: "250 Queued as T1" });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.secure).toBe(true);
    expect(got?.user).toBe(USER);
    expect(got?.from).toBe("reports@example.com");
    expect(got?.to).toEqual(["sam@example.com", "archive@example.com"]);
    // Byte for byte what was assembled: nothing re-encoded on the way.
    expect(got?.raw.equals(message.raw)).toBe(true);

    const mail = await simpleParser(got?.raw ?? Buffer.alloc(0), { keepCidLinks: true });
    expect(mail.subject).toBe(report.document.subject);
    expect(mail.messageId).toBe(message.messageId);
    expect(mail.text?.trim()).toBe(report.text.trim());
    expect(mail.html).toBe(report.html);
    expect(mail.attachments.map((a) => a.contentId)).toEqual(
      report.charts.map((chart) => `<${chart.cid}>`),
    );
    // The archive address is in the envelope only: no header names it, there is no Bcc header.
    expect(mail.headers.has("bcc")).toBe(false);
    const headerBlock = got?.raw.toString("latin1").split("\r\n\r\n")[0] ?? "";
    expect(headerBlock).not.toContain("archive@example.com");
    expect(headerBlock).toContain("sam@example.com");
  });

  it("delivers over implicit TLS and through a connection pool", async () => {
    const transport = smtp({ port: implicitTls.port, secure: true, requireTLS: false, pool: true });
    const recipients = ["a@example.com", "b@example.com", "c@example.com"];
    const results = [];
    for (const recipient of recipients) {
      results.push(await transport.send(await outgoing(report, recipient)));
    }
    await transport.close();
    expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(received.map((r) => r.to)).toEqual(recipients.map((r) => [r]));
    expect(received.every((r) => r.secure)).toBe(true);
  });

  it("refuses the untrusted test certificate when told to verify it (account: fix the setup)", async () => {
    const result = await sendOnce("sam@example.com", { rejectUnauthorized: true });
    // Node names the first thing wrong with it: the test certificate is expired and self-signed.
    expect(result).toMatchObject({ status: "failed", kind: "account" });
    expect(result.status === "failed" && result.code).toMatch(/CERT|SELF_SIGNED/);
    expect(received).toHaveLength(0);
  });

  it("classifies a 4xx reply as transient", async () => {
    const result = await sendOnce("defer@example.com");
    expect(result).toMatchObject({ status: "failed", kind: "transient", code: "smtp-451" });
    expect(received).toHaveLength(0);
  });

  it("classifies a 5xx reply as permanent", async () => {
    const result = await sendOnce("reject@example.com");
    expect(result).toMatchObject({ status: "failed", kind: "permanent", code: "smtp-550" });
    expect(received).toHaveLength(0);
  });

  it("fails the delivery when the recipient is refused even though the archive was taken", async () => {
    const result = await sendOnce("reject@example.com", {}, "archive@example.com");
    expect(result).toMatchObject({ status: "failed", kind: "permanent", code: "smtp-550" });
    expect(received.map((r) => r.to)).toEqual([["archive@example.com"]]);
  });

  it("still counts the delivery as sent when only the archive copy is refused", async () => {
    const result = await sendOnce("sam@example.com", {}, "reject@example.com");
    expect(result.status).toBe("sent");
    expect(received.map((r) => r.to)).toEqual([["sam@example.com"]]);
  });

  it("classifies a refused login (535) as account-level", async () => {
    const result = await sendOnce("sam@example.com", { pass: "wrong" });
    expect(result).toMatchObject({ status: "failed", kind: "account", code: "smtp-535" });
    expect(received).toHaveLength(0);
  });

  it("classifies a refused connection as transient", async () => {
    const result = await sendOnce("sam@example.com", { port: await freePort() });
    expect(result).toMatchObject({ status: "failed", kind: "transient", code: "ECONNREFUSED" });
  });
});
