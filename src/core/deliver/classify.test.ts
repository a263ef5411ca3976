import { describe, expect, it } from "vitest";
import { classifySesError, classifySmtpError } from "./classify.js";

describe("classifySmtpError", () => {
  const kind = (facts: Parameters<typeof classifySmtpError>[0]) => classifySmtpError(facts).kind;

  it.each([
    [421, "RCPT TO"],
    [450, "RCPT TO"],
    [451, "DATA"],
    [452, "RCPT TO"],
    [454, "AUTH PLAIN"],
  ])("a %i reply to %s is transient", (responseCode, command) => {
    expect(kind({ responseCode, command, code: "EENVELOPE", message: "later" })).toBe("transient");
  });

  it.each([
    [550, "RCPT TO"],
    [553, "RCPT TO"],
    [554, "DATA"],
    [552, "MAIL FROM"],
  ])("a %i reply to %s is permanent for this message", (responseCode, command) => {
    expect(kind({ responseCode, command, code: "EENVELOPE", message: "no" })).toBe("permanent");
  });

  it.each([
    [535, "AUTH PLAIN"],
    [530, "MAIL FROM"],
    [534, "AUTH LOGIN"],
    [504, "AUTH CRAM-MD5"],
    [550, "MAIL FROM"],
    [554, "CONN"],
  ])("a %i reply to %s stops the run (account)", (responseCode, command) => {
    expect(kind({ responseCode, command, code: "EAUTH", message: "denied" })).toBe("account");
  });

  it("labels the failure with the reply code and keeps the message", () => {
    expect(
      classifySmtpError({ responseCode: 451, command: "RCPT TO", message: "451 try later" }),
    ).toEqual({ status: "failed", kind: "transient", code: "smtp-451", message: "451 try later" });
  });

  it.each(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "ECONNRESET", "ECONNREFUSED", undefined])(
    "a connection problem without a reply (%s) is transient",
    (code) => {
      expect(kind({ code, message: "socket" })).toBe("transient");
    },
  );

  it("a TLS or login setup failure without a reply stops the run", () => {
    expect(kind({ code: "ETLS", message: "self-signed certificate" })).toBe("account");
    expect(kind({ code: "EAUTH", message: "Missing credentials" })).toBe("account");
    expect(kind({ code: "EDNS", message: "getaddrinfo ENOTFOUND" })).toBe("account");
  });

  it("a message the client refuses to send is permanent", () => {
    expect(kind({ code: "EENVELOPE", message: "Invalid recipient" })).toBe("permanent");
    expect(kind({ code: "EMESSAGE", message: "bad" })).toBe("permanent");
  });
});

describe("classifySesError", () => {
  const kind = (facts: Parameters<typeof classifySesError>[0]) => classifySesError(facts).kind;

  it.each([
    ["TooManyRequestsException", 429],
    ["Throttling", 400],
    ["InternalFailure", 500],
    ["ServiceUnavailable", 503],
    ["TimeoutError", undefined],
  ])("%s is transient", (name, httpStatus) => {
    expect(kind({ name, httpStatus, message: "Maximum sending rate exceeded." })).toBe("transient");
  });

  it.each(["MessageRejected", "BadRequestException"])("%s is permanent", (name) => {
    expect(kind({ name, httpStatus: 400, message: "Email address is not verified." })).toBe(
      "permanent",
    );
  });

  it.each([
    "AccountSuspendedException",
    "SendingPausedException",
    "MailFromDomainNotVerifiedException",
    "LimitExceededException",
    "UnrecognizedClientException",
    "CredentialsProviderError",
  ])("%s stops the run (account)", (name) => {
    expect(kind({ name, httpStatus: 400, message: "no" })).toBe("account");
  });

  it("tells a spent daily quota from the per-second rate under the same name", () => {
    expect(kind({ name: "Throttling", message: "Daily message quota exceeded." })).toBe("account");
    expect(kind({ name: "Throttling", message: "Maximum sending rate exceeded." })).toBe(
      "transient",
    );
  });

  it("falls back to the HTTP status for a name it does not know", () => {
    expect(classifySesError({ name: "Unknown", httpStatus: 429, message: "x" })).toMatchObject({
      kind: "transient",
      code: "http-429",
    });
    expect(kind({ name: "Unknown", httpStatus: 502, message: "x" })).toBe("transient");
    expect(kind({ name: "Unknown", httpStatus: 403, message: "x" })).toBe("account");
    expect(kind({ name: "Unknown", httpStatus: 400, message: "x" })).toBe("permanent");
  });

  it("treats a request that got no answer as transient, labelled by its socket code", () => {
    expect(classifySesError({ name: "Error", code: "ECONNRESET", message: "reset" })).toEqual({
      status: "failed",
      kind: "transient",
      code: "ECONNRESET",
      message: "reset",
    });
    expect(kind({ code: "ECONNREFUSED", message: "refused" })).toBe("transient");
  });

  it("stops the run when the SDK has no region or credentials", () => {
    expect(kind({ name: "Error", message: "Region is missing" })).toBe("account");
    expect(
      kind({ message: 'Region not accepted: region="" is not a valid hostname component.' }),
    ).toBe("account");
  });
});
