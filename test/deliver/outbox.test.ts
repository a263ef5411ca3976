import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboxTransport } from "../../src/adapters/deliver/outbox-transport.js";
import type { OutgoingMessage } from "../../src/core/deliver/ports.js";
import type { RenderedReport } from "../../src/core/render/rendered.js";
import { makeTempDir } from "../helpers/cli.js";
import { filesUnder } from "../helpers/files.js";
import { outgoing, referenceReport } from "./report-message.js";

// The outbox transport on a real temp folder: one complete .eml per delivery, never a partial
// file under the final name, never an existing file overwritten.
describe("outbox transport", () => {
  let report: RenderedReport;
  let temp: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    report = await referenceReport();
    temp = await makeTempDir();
  }, 60_000);

  afterAll(async () => {
    await temp?.cleanup();
  });

  it("writes {tenant}/{period}/{report}/{recipient}.eml with the message's exact bytes", async () => {
    const folder = path.join(temp.dir, "layout");
    const message = await outgoing(report, "Sam.Rivera@Example.com", {
      archive: "archive@example.com",
    });
    const outbox = createOutboxTransport(folder);
    const result = await outbox.send(message);
    const expected = "portfolio/2026-10/ceo/sam.rivera_at_example.com.eml";
    expect(result).toEqual({ status: "sent", providerMessageId: expected });
    expect(await filesUnder(folder)).toEqual([expected]);
    const written = await readFile(path.join(folder, expected));
    expect(written.equals(message.raw)).toBe(true);
    const mail = await simpleParser(written);
    expect(mail.subject).toBe(report.document.subject);
    expect(await outbox.maxSendRate()).toBeUndefined();
    expect(await outbox.remainingQuota()).toBeUndefined();
  });

  it("counts the same bytes again as the same file, and keeps a different message beside it", async () => {
    const folder = path.join(temp.dir, "resend");
    const outbox = createOutboxTransport(folder);
    const first = await outgoing(report, "sam@example.com", { messageId: "<one@exec-intel>" });
    const second = await outgoing(report, "sam@example.com", { messageId: "<two@exec-intel>" });
    const third = await outgoing(report, "sam@example.com", { messageId: "<three@exec-intel>" });
    const stem = "portfolio/2026-10/ceo/sam_at_example.com";
    expect(await outbox.send(first)).toMatchObject({ providerMessageId: `${stem}.eml` });
    expect(await outbox.send(first)).toMatchObject({ providerMessageId: `${stem}.eml` });
    expect(await outbox.send(second)).toMatchObject({ providerMessageId: `${stem}-2.eml` });
    expect(await outbox.send(third)).toMatchObject({ providerMessageId: `${stem}-3.eml` });
    expect(await filesUnder(folder)).toEqual([`${stem}-2.eml`, `${stem}-3.eml`, `${stem}.eml`]);
    const ids = await Promise.all(
      ["", "-2", "-3"].map(
        async (n) =>
          (await simpleParser(await readFile(path.join(folder, `${stem}${n}.eml`)))).messageId,
      ),
    );
    expect(ids).toEqual(["<one@exec-intel>", "<two@exec-intel>", "<three@exec-intel>"]);
  });

  it("keeps every one of many different messages for one key sent at the same time", async () => {
    const folder = path.join(temp.dir, "race");
    const outbox = createOutboxTransport(folder);
    const messages = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        outgoing(report, "sam@example.com", { messageId: `<race-${i}@exec-intel>` }),
      ),
    );
    const results = await Promise.all(messages.map((m) => outbox.send(m)));
    const paths = results.map((r) => (r.status === "sent" ? r.providerMessageId : r.code));
    expect(new Set(paths).size).toBe(8);
    const written = await filesUnder(folder);
    // No temp file is left behind, and each message is intact under its own name.
    expect(written).toHaveLength(8);
    for (const [i, p] of paths.entries()) {
      expect(
        (await readFile(path.join(folder, p))).equals(messages[i]?.raw ?? Buffer.alloc(0)),
      ).toBe(true);
    }
  });

  it("keeps names from data inside the folder (no separator, no . or .. segment)", async () => {
    const folder = path.join(temp.dir, "escape");
    const outbox = createOutboxTransport(folder);
    const message: OutgoingMessage = {
      ...(await outgoing(report, "sam@example.com")),
      key: { tenant: "../../etc", period: "..", report: "ceo/../../x", recipient: "a/b@../c" },
    };
    const result = await outbox.send(message);
    expect(result).toEqual({
      status: "sent",
      providerMessageId: "etc/_/ceo-..-..-x/a-b_at_..-c.eml",
    });
    expect(await filesUnder(folder)).toEqual(["etc/_/ceo-..-..-x/a-b_at_..-c.eml"]);
  });

  it("stops the run (account) when the outbox folder cannot be created", async () => {
    const blocker = path.join(temp.dir, "blocker");
    await writeFile(blocker, "a file where the outbox folder should be");
    const result = await createOutboxTransport(blocker).send(
      await outgoing(report, "sam@example.com"),
    );
    expect(result).toMatchObject({ status: "failed", kind: "account", code: "ENOTDIR" });
  });
});
