import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSesTransport, sesEmailTags } from "../../src/adapters/deliver/ses-transport.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { type FaultProxy, type ScriptedFault, startFaultProxy } from "../helpers/fault-proxy.js";
import { EMULATED_ACCOUNT, type SesEmulator, startSesEmulator } from "../helpers/ses-emulator.js";
import { outgoing, referenceReport } from "./report-message.js";

// The SES transport against aws-ses-v2-local through the real AWS SDK. The emulator keeps what it
// parsed out of the raw content (headers, bodies, attachments) but not the request's Destination,
// configuration set or tags, so those are read on the wire by a recording proxy (with no faults
// unless a test scripts one).
const CREDENTIALS = { accessKeyId: "test-access-key", secretAccessKey: "test-secret" };
const SEND_PATH = /\/v2\/email\/outbound-emails/;

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content: { Raw: { Data: string } };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
}

describe("SES transport (aws-ses-v2-local, real SDK)", () => {
  let emulator: SesEmulator;
  let proxy: FaultProxy;
  let report: RenderedReport;

  beforeAll(async () => {
    [report, emulator] = await Promise.all([referenceReport(), startSesEmulator()]);
    proxy = await startFaultProxy({ target: emulator.url, record: true });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await emulator?.stop();
  });

  beforeEach(async () => {
    await emulator.clear();
    proxy.log.length = 0;
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const transport = (extra: Parameters<typeof createSesTransport>[0] = {}) =>
    createSesTransport({
      endpoint: proxy.url,
      region: "eu-west-1",
      credentials: CREDENTIALS,
      requestTimeoutMs: 5_000,
      ...extra,
    });

  /** Sends one report message to sam@example.com with a fresh transport and closes it. */
  const sendOnce = async (ses = transport(), raw?: Buffer) => {
    const message = await outgoing(report, "sam@example.com");
    const result = await ses.send(raw !== undefined ? { ...message, raw } : message);
    await ses.close();
    return result;
  };

  const wireSends = () =>
    proxy.log
      .filter((entry) => SEND_PATH.test(entry.path))
      .map((entry) => JSON.parse(entry.body ?? "{}") as SendEmailBody);

  it("sends the raw message to the recipient and the BCC archive, named only in Destination", async () => {
    const tags = {
      tenant: "portfolio",
      report: "portfolio/2026-10/ceo",
      role: "ceo",
      run: "run 2026-11-21T08:00:00Z",
    };
    const message = await outgoing(report, "sam@example.com", {
      archive: "archive@example.com",
      tags,
    });
    const ses = transport({ configurationSet: "exec-reports" });
    const result = await ses.send(message);
    await ses.close();

    const stored = await emulator.emails();
    expect(stored).toHaveLength(1);
    const [email] = stored;
    expect(result).toEqual({ status: "sent", providerMessageId: email?.messageId });

    // What the emulator parsed is what the same parser makes of the bytes we sent.
    const local = await simpleParser(message.raw);
    expect(email?.subject).toBe(report.document.subject);
    expect(email?.subject).toBe(local.subject);
    expect(email?.body.text).toBe(local.text);
    expect(local.text?.trim()).toBe(report.text.trim());
    expect(email?.body.html).toBe(local.html);
    expect(email?.body.html).toContain(report.document.title);
    expect(email?.attachments.map((a) => a.content)).toEqual(
      report.charts.map((chart) => Buffer.from(chart.png).toString("base64")),
    );
    expect(email?.from).toContain("reports@example.com");
    // The archive copy is an envelope recipient only: no header of the message names it.
    expect(email?.destination).toEqual({ to: ["sam@example.com"], cc: [], bcc: [] });
    expect(JSON.stringify(email)).not.toContain("archive@example.com");

    const [wire, ...more] = wireSends();
    expect(more).toHaveLength(0);
    expect(wire?.Destination).toEqual({ ToAddresses: ["sam@example.com", "archive@example.com"] });
    expect(wire?.FromEmailAddress).toBe("reports@example.com");
    expect(wire?.ConfigurationSetName).toBe("exec-reports");
    expect(wire?.EmailTags).toEqual([
      { Name: "tenant", Value: "portfolio" },
      { Name: "report", Value: "portfolio_2026-10_ceo" },
      { Name: "role", Value: "ceo" },
      { Name: "run", Value: "run_2026-11-21T08_00_00Z" },
    ]);
    expect(Buffer.from(wire?.Content.Raw.Data ?? "", "base64").equals(message.raw)).toBe(true);
  });

  it("sends no configuration set or tags when there are none", async () => {
    const result = await sendOnce();
    expect(result.status).toBe("sent");
    const [wire] = wireSends();
    expect(wire?.Destination).toEqual({ ToAddresses: ["sam@example.com"] });
    expect(wire).not.toHaveProperty("ConfigurationSetName");
    expect(wire).not.toHaveProperty("EmailTags");
  });

  it("takes region and credentials from the standard AWS chain when none are given", async () => {
    vi.stubEnv("AWS_REGION", "ap-southeast-2");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "chain-access-key");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "chain-secret");
    vi.stubEnv("AWS_PROFILE", "");
    const result = await sendOnce(createSesTransport({ endpoint: proxy.url }));
    expect(result.status).toBe("sent");
    const authorization = String(proxy.log.at(-1)?.headers?.authorization);
    expect(authorization).toContain("Credential=chain-access-key/");
    expect(authorization).toContain("/ap-southeast-2/ses/aws4_request");
  });

  it("stops the run (account) when no region can be found anywhere", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_DEFAULT_REGION", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    const result = await sendOnce(
      createSesTransport({ endpoint: proxy.url, credentials: CREDENTIALS }),
    );
    expect(result).toMatchObject({ status: "failed", kind: "account" });
    expect(wireSends()).toHaveLength(0);
  });

  it("reads the send rate and the 24-hour quota from GetAccount, cached briefly", async () => {
    let clock = 1_000_000;
    const ses = transport({ quotaCacheMs: 60_000, now: () => clock });
    const quota = EMULATED_ACCOUNT.SendQuota;
    expect(await ses.maxSendRate()).toBe(quota.MaxSendRate);
    expect(await ses.remainingQuota()).toBe(quota.Max24HourSend - quota.SentLast24Hours);
    const accountReads = () => proxy.log.filter((e) => e.path === "/v2/email/account").length;
    expect(accountReads()).toBe(1);
    clock += 61_000;
    expect(await ses.maxSendRate()).toBe(14);
    expect(accountReads()).toBe(2);
    await ses.close();
  });

  it("treats a message the emulator itself refuses (no From header) as permanent", async () => {
    const message = await outgoing(report, "sam@example.com");
    const noFrom = Buffer.from(
      message.raw.toString("latin1").replace(/^From: .*\r\n/m, ""),
      "latin1",
    );
    const result = await sendOnce(transport(), noFrom);
    expect(result).toMatchObject({ status: "failed", kind: "permanent", code: "http-400" });
    expect(await emulator.emails()).toHaveLength(0);
  });

  const error = (type: string, status = 400, message = "refused"): ScriptedFault => ({
    kind: "error",
    status,
    type,
    message,
  });

  it.each<[string, ScriptedFault, "transient" | "permanent" | "account", string]>([
    ["429 throttling", { kind: "throttle" }, "transient", "TooManyRequestsException"],
    ["a 500", { kind: "serverError" }, "transient", "InternalFailure"],
    ["a 503", error("ServiceUnavailable", 503), "transient", "ServiceUnavailable"],
    ["a connection reset", { kind: "reset" }, "transient", "TimeoutError"],
    ["MessageRejected", error("MessageRejected"), "permanent", "MessageRejected"],
    ["BadRequestException", error("BadRequestException"), "permanent", "BadRequestException"],
    [
      "AccountSuspended",
      error("AccountSuspendedException"),
      "account",
      "AccountSuspendedException",
    ],
    ["SendingPaused", error("SendingPausedException"), "account", "SendingPausedException"],
    [
      "MailFromDomainNotVerified",
      error("MailFromDomainNotVerifiedException"),
      "account",
      "MailFromDomainNotVerifiedException",
    ],
    [
      "the daily quota",
      error("LimitExceededException", 400, "Daily message quota exceeded."),
      "account",
      "LimitExceededException",
    ],
  ])("classifies %s through the SDK", async (_label, fault, kind, code) => {
    proxy.enqueue(fault);
    const result = await sendOnce();
    expect(result).toMatchObject({ status: "failed", kind, code });
    expect(await emulator.emails()).toHaveLength(0);
  });

  it("gives up on an answer that takes too long (transient) without the request landing", async () => {
    proxy.enqueue({ kind: "delay", ms: 1_200 });
    const result = await sendOnce(transport({ requestTimeoutMs: 300 }));
    expect(result).toMatchObject({ status: "failed", kind: "transient", code: "TimeoutError" });
    // After the held request's time is up, the proxy sees the client gone and drops it.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(proxy.log.filter((e) => SEND_PATH.test(e.path)).map((e) => e.forwarded)).toEqual([
      false,
    ]);
    expect(await emulator.emails()).toHaveLength(0);
  });
});

describe("sesEmailTags", () => {
  it("keeps SES's allowed characters, replaces the rest and cuts at 256", () => {
    expect(
      sesEmailTags({
        tenant: "Acme & Söhne",
        "run id": "2026-11-21T08:00:00.000Z",
        long: "x".repeat(300),
        empty: "",
      }),
    ).toEqual([
      { Name: "tenant", Value: "Acme_S_hne" },
      { Name: "run_id", Value: "2026-11-21T08_00_00_000Z" },
      { Name: "long", Value: "x".repeat(256) },
    ]);
  });
});
