import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EventBridgeEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type DynamoStateStores,
  openDynamoStateStores,
  stateTableDefinition,
} from "../../src/adapters/store/dynamodb/index.js";
import { createLambdaHandlers, mailEventOf, type SesEventDetail } from "../../src/entry/lambda.js";
import { type DynalitePeer, startDynalite } from "../helpers/dynalite.js";

// `sesEvents` against dynalite: a sent ledger row, then SES events for its message as the
// configuration set publishes them to EventBridge (headers and subject included, as SES sends
// them); the row shows the latest event, with the type and diagnostic only.

const TABLE = "exec-intel-ses-events";
const KEY = { tenant: "acme", period: "2026-10", report: "ceo", recipient: "ann@acme.example" };
const SUBJECT = "CEO · Oct 2026 — confidential figures";

let dynalite: DynalitePeer;
let client: DynamoDBClient;
let stores: DynamoStateStores;
const logged: string[] = [];
let handlers: ReturnType<typeof createLambdaHandlers>;

beforeAll(async () => {
  // The SDK's credential chain reads these; dynalite takes any.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: dynalite.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await client.send(new CreateTableCommand(stateTableDefinition(TABLE)));
  stores = openDynamoStateStores({ client, table: TABLE });
  const sentAt = new Date("2026-11-02T06:01:00Z");
  await stores.ledger.plan([KEY], "run-1", sentAt);
  await stores.ledger.claim(KEY, "run-1", "<run-1.ceo@exec-intel>", sentAt);
  await stores.ledger.markSent(KEY, "0100019a-ses-message-1", sentAt);
  handlers = createLambdaHandlers({
    env: {
      EXEC_INTEL_TABLE: TABLE,
      EXEC_INTEL_BUCKET: "exec-intel-data",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.url,
    },
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  client?.destroy();
  await dynalite?.stop();
  vi.unstubAllEnvs();
});

/** An SES event as EventBridge delivers it, with the mail part SES always includes. */
function sesEvent(
  detailType: string,
  messageId: string,
  detail: Omit<SesEventDetail, "mail">,
  time = "2026-11-02T06:02:00Z",
): EventBridgeEvent<string, SesEventDetail> {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": detailType,
    source: "aws.ses",
    account: "123456789012",
    time,
    region: "us-east-1",
    resources: [],
    detail: {
      ...detail,
      mail: {
        timestamp: "2026-11-02T06:01:00.000Z",
        messageId,
        // What SES also sends, and the ledger must never keep.
        ...({
          source: "reports@acme.example",
          headers: [{ name: "Subject", value: SUBJECT }],
          commonHeaders: { subject: SUBJECT },
          tags: { "ses:configuration-set": ["exec-intel"] },
        } as object),
      },
    },
  };
}

const rowOf = async () => (await stores.ledger.rows(KEY))[0];

describe("sesEvents", () => {
  it("records a bounce on the row sent under that message id, type and diagnostic only", async () => {
    const result = await handlers.sesEvents(
      sesEvent("Email Bounced", "0100019a-ses-message-1", {
        eventType: "Bounce",
        bounce: {
          bounceType: "Permanent",
          bounceSubType: "General",
          timestamp: "2026-11-02T06:02:10.000Z",
          bouncedRecipients: [
            {
              emailAddress: KEY.recipient,
              status: "5.1.1",
              diagnosticCode: "smtp; 550 5.1.1\r\n user unknown",
            },
          ],
        },
      }),
    );
    expect(result).toEqual({
      status: "recorded",
      kind: "bounced",
      tenant: "acme",
      period: "2026-10",
      report: "ceo",
    });
    const row = await rowOf();
    expect(row?.state).toBe("sent");
    expect(row?.mailEvent).toEqual({
      kind: "bounced",
      detail: "Permanent/General: ann@acme.example 5.1.1 smtp; 550 5.1.1 user unknown",
      at: "2026-11-02T06:02:10.000Z",
    });
    expect(JSON.stringify(await stores.ledger.events(KEY))).not.toContain("confidential");
  });

  it("shows a later delivery over the bounce, and never lets an older event hide a newer one", async () => {
    await handlers.sesEvents(
      sesEvent("Email Delivered", "0100019a-ses-message-1", {
        eventType: "Delivery",
        delivery: { timestamp: "2026-11-02T06:03:00.000Z", smtpResponse: "250 2.0.0 OK" },
      }),
    );
    expect((await rowOf())?.mailEvent).toEqual({
      kind: "delivered",
      detail: "250 2.0.0 OK",
      at: "2026-11-02T06:03:00.000Z",
    });
    await handlers.sesEvents(
      sesEvent("Email Delivery Delayed", "0100019a-ses-message-1", {
        eventType: "DeliveryDelay",
        deliveryDelay: { delayType: "MailboxFull", timestamp: "2026-11-02T06:02:30.000Z" },
      }),
    );
    expect((await rowOf())?.mailEvent?.kind).toBe("delivered");
  });

  it("ignores an unknown message id and the Send event, writing nothing", async () => {
    const before = await stores.ledger.events(KEY);
    logged.length = 0;
    expect(
      await handlers.sesEvents(
        sesEvent("Email Delivered", "0100019a-someone-else", {
          eventType: "Delivery",
          delivery: { timestamp: "2026-11-02T06:04:00.000Z" },
        }),
      ),
    ).toEqual({ status: "ignored", reason: "no delivery was sent as 0100019a-someone-else" });
    expect(
      await handlers.sesEvents(
        sesEvent("Email Sent", "0100019a-ses-message-1", { eventType: "Send" }),
      ),
    ).toEqual({ status: "ignored", reason: "not recorded: Send" });
    expect(await stores.ledger.events(KEY)).toEqual(before);
    expect(logged.map((l) => JSON.parse(l).message)).toEqual([
      "no delivery was sent as 0100019a-someone-else",
      "not recorded: Send",
    ]);
  });
});

describe("mailEventOf", () => {
  const mail = { messageId: "m-1", timestamp: "2026-11-02T06:01:00.000Z" };

  it("words complaints, rejections and delays from their type fields", () => {
    expect(
      mailEventOf({
        eventType: "Complaint",
        mail,
        complaint: {
          complaintFeedbackType: "abuse",
          timestamp: "2026-11-03T10:00:00Z",
          complainedRecipients: [{ emailAddress: "ann@acme.example" }],
        },
      }),
    ).toEqual({
      providerMessageId: "m-1",
      kind: "complained",
      detail: "complaint (abuse): ann@acme.example",
      at: "2026-11-03T10:00:00.000Z",
    });
    expect(
      mailEventOf(
        { eventType: "Reject", mail, reject: { reason: "Bad content" } },
        "2026-11-02T06:01:01Z",
      ),
    ).toEqual({
      providerMessageId: "m-1",
      kind: "rejected",
      detail: "rejected: Bad content",
      at: "2026-11-02T06:01:01.000Z",
    });
    expect(
      mailEventOf({
        eventType: "DeliveryDelay",
        mail,
        deliveryDelay: {
          delayType: "TransientCommunicationFailure",
          timestamp: "2026-11-02T07:00:00Z",
          delayedRecipients: [
            { emailAddress: "ann@acme.example", status: "4.4.1", diagnosticCode: "smtp; 421" },
          ],
        },
      })?.detail,
    ).toBe("TransientCommunicationFailure: ann@acme.example 4.4.1 smtp; 421");
  });

  it("keeps no event for Send, opens, clicks or a missing message id", () => {
    expect(mailEventOf({ eventType: "Send", mail })).toBeUndefined();
    expect(mailEventOf({ eventType: "Open", mail })).toBeUndefined();
    expect(mailEventOf({ eventType: "Delivery", delivery: {} })).toBeUndefined();
  });
});
