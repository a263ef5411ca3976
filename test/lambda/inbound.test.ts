import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { SESEvent } from "aws-lambda";
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type DynamoStateStores,
  openDynamoStateStores,
  stateTableDefinition,
} from "../../src/adapters/store/dynamodb/index.js";
import { replyAddress } from "../../src/core/feedback/reply-token.js";
import { createLambdaHandlers } from "../../src/entry/lambda.js";
import { deploymentEnv } from "../helpers/deployment-env.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";
import { S3RVER_ENV, type S3rverPeer, startS3rver } from "../helpers/s3rver.js";

// `inbound` against s3rver and dynalite: the SES receipt rule stored a reply under inbound/ and
// invoked the function with its message id. A reply whose token verifies and that comes from
// the recipient becomes a note on the report; a forged token, a virus verdict or a DMARC failure
// attaches nothing. The workspace config (feedback.secretEnv) is read from workspace/ on S3.

const TABLE = "exec-intel-inbound";
const SECRET = "reply-secret-for-lambda-tests-0123456789";
const KEY = { tenant: "acme", period: "2026-10", report: "ceo", recipient: "ann@acme.example" };

const CONFIG = `version: 1
transport:
  from: { name: Acme Reports, email: reports@acme.example }
  replyTo: { name: Acme Reports, email: "\${REPLY_ADDRESS}" }
feedback:
  secretEnv: REPLY_TOKEN_SECRET
tenants:
  - id: acme
    name: Acme
    entities:
      - { id: acme, name: Acme, kind: business }
    roles:
      ceo:
        title: Owner
        recipients:
          - { name: Ann Owner, email: ann@acme.example }
`;

let dynalite: DynalitePeer;
let s3: S3rverPeer;
let dynamo: DynamoDBClient;
let bucket: S3Client;
let stores: DynamoStateStores;
let handlers: ReturnType<typeof createLambdaHandlers>;
const logged: string[] = [];

beforeAll(async () => {
  // The SDK's chain reads these: s3rver accepts only its own key pair, dynalite any.
  for (const [name, value] of Object.entries(S3RVER_ENV)) vi.stubEnv(name, value);
  [dynalite, s3] = await Promise.all([startDynalite(), startS3rver()]);
  dynamo = new DynamoDBClient({ region: "us-east-1", endpoint: dynalite.url });
  bucket = new S3Client({ region: "us-east-1", endpoint: s3.url, forcePathStyle: true });
  await dynamo.send(new CreateTableCommand(stateTableDefinition(TABLE)));
  stores = openDynamoStateStores({ client: dynamo, table: TABLE });
  const sentAt = new Date("2026-11-02T06:01:00Z");
  await stores.ledger.plan([KEY], "run-1", sentAt);
  await stores.ledger.claim(KEY, "run-1", "<run-1.ceo@exec-intel>", sentAt);
  await stores.ledger.markSent(KEY, "0100019a-sent-1", sentAt);
  await put("workspace/exec-intel.yaml", CONFIG);
  // Non-secret values, as a workspace keeps them; the secret comes from the function's environment.
  await put("workspace/.env", "REPLY_ADDRESS=reports@acme.example\n");
  handlers = createLambdaHandlers({
    env: {
      ...deploymentEnv({ table: TABLE, bucket: s3.bucket, s3: s3.url, dynamodb: dynalite.url }),
      REPLY_TOKEN_SECRET: SECRET,
    },
    now: () => new Date("2026-11-22T10:00:00Z"),
    log: (line) => logged.push(line),
  });
}, 60_000);

afterAll(async () => {
  dynamo?.destroy();
  bucket?.destroy();
  await Promise.all([dynalite?.stop(), s3?.stop()]);
  vi.unstubAllEnvs();
});

async function put(key: string, body: string | Buffer) {
  await bucket.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
}

/** A reply as a mail client sends it, stored where SES's S3 action puts it. */
async function storeReply(messageId: string, fields: { from: string; to: string; text: string }) {
  const raw = await new MailComposer({
    ...fields,
    subject: "Re: CEO · Oct 2026",
    date: new Date("2026-11-22T09:30:00Z"),
  })
    .compile()
    .build();
  await put(`inbound/${messageId}`, raw);
}

/** The receipt rule's Lambda event for one stored message. */
function receiptEvent(
  messageId: string,
  verdicts: { virus?: "PASS" | "FAIL"; dmarc?: "PASS" | "FAIL" | "GRAY" } = {},
): SESEvent {
  const verdict = (status: string) => ({ status });
  return {
    Records: [
      {
        eventSource: "aws:ses",
        eventVersion: "1.0",
        ses: {
          mail: {
            timestamp: "2026-11-22T09:30:01.000Z",
            source: "ann@acme.example",
            messageId,
            destination: ["reports@acme.example"],
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: "ann@acme.example", date: "", messageId: "" },
          },
          receipt: {
            timestamp: "2026-11-22T09:30:01.000Z",
            processingTimeMillis: 400,
            recipients: ["reports@acme.example"],
            spamVerdict: verdict("PASS"),
            virusVerdict: verdict(verdicts.virus ?? "PASS"),
            spfVerdict: verdict("PASS"),
            dkimVerdict: verdict("PASS"),
            dmarcVerdict: verdict(verdicts.dmarc ?? "PASS"),
            dmarcPolicy: "none",
            action: {
              type: "Lambda",
              functionArn: "arn:aws:lambda:us-east-1:123456789012:function:inbound",
              invocationType: "Event",
            },
          },
        },
      },
    ],
  } as SESEvent;
}

const replyTo = () => replyAddress("reports@acme.example", KEY, SECRET);

describe("inbound", () => {
  it("attaches a verified reply stored under inbound/ as a note on the report's section", async () => {
    await storeReply("reply0001", {
      from: "Ann Owner <ann@acme.example>",
      to: replyTo(),
      text: "Section: burn-rate\nThe October rent was paid twice; the refund is coming.\n\n> quoted",
    });
    const { outcomes } = await handlers.inbound(receiptEvent("reply0001"));
    expect(outcomes).toEqual([
      {
        file: "inbound/reply0001",
        status: "attached",
        tenant: "acme",
        report: "acme/2026-10/ceo",
        section: "burn-rate",
        id: expect.any(Number),
      },
    ]);
    expect(await stores.annotations.list("acme", { period: "2026-10", role: "ceo" })).toEqual([
      expect.objectContaining({
        author: "ann@acme.example",
        via: "email",
        section: "burn-rate",
        text: "The October rent was paid twice; the refund is coming.",
        at: "2026-11-22T09:30:00.000Z",
      }),
    ]);
    // The log says where it went, never what it said.
    expect(logged.join("\n")).not.toContain("refund");
  });

  it("rejects a forged token, a virus and a DMARC failure, attaching nothing", async () => {
    const forged = replyTo().replace(
      /\.([0-9a-f])([0-9a-f]{23})@/,
      (_, c: string, rest: string) => `.${c === "0" ? "1" : "0"}${rest}@`,
    );
    await storeReply("forged0001", { from: "ann@acme.example", to: forged, text: "Approve it" });
    const before = await stores.annotations.list("acme");
    const results = [
      await handlers.inbound(receiptEvent("forged0001")),
      await handlers.inbound(receiptEvent("virus0001", { virus: "FAIL" })),
      await handlers.inbound(receiptEvent("spoofed0001", { dmarc: "FAIL" })),
    ];
    expect(results.map((r) => r.outcomes)).toEqual([
      [
        {
          file: "inbound/forged0001",
          status: "rejected",
          reason: "no verifiable reply token in its To or Cc address",
        },
      ],
      [{ file: "inbound/virus0001", status: "rejected", reason: "SES found a virus in it" }],
      [{ file: "inbound/spoofed0001", status: "rejected", reason: "its sender failed DMARC" }],
    ]);
    expect(await stores.annotations.list("acme")).toEqual(before);
  });

  it("fails (for the async retry) when the stored mail is missing, and refuses a message id that is a path", async () => {
    await expect(handlers.inbound(receiptEvent("never-stored"))).rejects.toThrow(
      /inbound\/never-stored does not exist/,
    );
    await expect(handlers.inbound(receiptEvent("../workspace/exec-intel.yaml"))).rejects.toThrow(
      /is not a plain id/,
    );
  });
});
