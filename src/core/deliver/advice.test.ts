import { describe, expect, it } from "vitest";
import { adviseOnDelivery } from "./advice.js";

describe("adviseOnDelivery", () => {
  it("names each cause once, with how many messages it held back and the first one's error", () => {
    const advice = adviseOnDelivery([
      { error: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:2599" },
      { error: "ETIMEDOUT: connect ETIMEDOUT 10.0.0.9:587" },
      { error: "smtp-535: Invalid login: 535 Authentication credentials invalid" },
      { error: null },
    ]);
    expect(advice).toEqual([
      {
        message:
          "the mail service could not be reached: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:2599 (2 messages)",
        hint: expect.stringContaining("transport.smtp.host and port"),
      },
      {
        message:
          "the mail server refused the login: smtp-535: Invalid login: 535 Authentication credentials invalid (1 message)",
        hint: expect.stringContaining("transport.smtp.userEnv and passwordEnv"),
      },
    ]);
  });

  it("reads nodemailer's labels and the AWS SDK's error names", () => {
    const cause = (error: string) => adviseOnDelivery([{ error }])[0]?.message ?? "";
    expect(cause("EAUTH: Missing credentials")).toMatch(/^the mail server refused the login/);
    expect(cause("ETLS: self-signed certificate")).toMatch(/^the TLS connection/);
    expect(cause("ExpiredTokenException: token expired")).toMatch(/AWS credentials have expired/);
    expect(cause("MessageRejected: Email address is not verified.")).toMatch(/^SES refused/);
    expect(cause("ENOSPC: no space left on device")).toMatch(/^the outbox folder could not/);
  });

  it("passes an unknown error on as it is, with the advice to run again", () => {
    expect(adviseOnDelivery([{ error: "smtp-552: mailbox full" }])).toEqual([
      {
        message: "smtp-552: mailbox full (1 message)",
        hint: expect.stringMatching(/^see the errors above, then run the same command again/),
      },
    ]);
  });

  it("explains a stop that left no message with an error of its own", () => {
    const advice = adviseOnDelivery([{ error: null }], {
      code: "DailyQuotaExhausted",
      message: "the 24-hour quota is used up",
    });
    expect(advice[0]?.message).toMatch(/^the sending account is paused or out of quota/);
    expect(adviseOnDelivery([])).toEqual([]);
  });
});
