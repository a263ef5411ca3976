import { describe, expect, it } from "vitest";
import { checkEmail, checkMessageId, headerText, mailbox, pdfFileName } from "./message.js";

describe("headerText", () => {
  it("collapses CR/LF and other control runs to one space", () => {
    expect(headerText("Revenue\r\nBcc: evil@x")).toBe("Revenue Bcc: evil@x");
    expect(headerText("a\tb\u0000c\u0085d\u2028e")).toBe("a b c d e");
    expect(headerText("  spaced \r\n\r\n out  ")).toBe("spaced out");
  });

  it("keeps non-ASCII text as it is (the composer encodes it)", () => {
    expect(headerText("Résumé für Zoë — 2026-10 · €")).toBe("Résumé für Zoë — 2026-10 · €");
  });
});

describe("checkEmail", () => {
  it("accepts a plain mailbox and trims it", () => {
    expect(checkEmail(" owner@example.com ", "to")).toBe("owner@example.com");
    expect(checkEmail("first.last+ceo@mail.example.co.uk", "to")).toBe(
      "first.last+ceo@mail.example.co.uk",
    );
  });

  it.each([
    "owner@example.com\r\nBcc: evil@x.com",
    "owner@example.com, evil@x.com",
    "Owner <owner@example.com>",
    "owner@example.com>",
    '"owner"@example.com',
    "owner example@example.com",
    "owner@example",
    "owner",
    "a@b@example.com",
    "",
  ])("rejects %j with the field named", (email) => {
    expect(() => checkEmail(email, "to[0]")).toThrow(/^to\[0\]: .* is not a plain email address/);
  });
});

describe("checkMessageId", () => {
  it("accepts the delivery issue's shape", () => {
    const id = "<run-42.portfolio/2026-10/ceo.3f9a@exec-intel>";
    expect(checkMessageId(id)).toBe(id);
  });

  it.each(["run@exec-intel", "<run@exec-intel>\r\nBcc: x@y.z", "<run exec@intel>", "<run>"])(
    "rejects %j",
    (id) => {
      expect(() => checkMessageId(id)).toThrow(/messageId: .* is not of the form <local@domain>/);
    },
  );
});

describe("mailbox", () => {
  it("cleans the display name and checks the address", () => {
    expect(mailbox({ name: "Ops\r\nBcc: evil@x", email: "ops@example.com" }, "from")).toEqual({
      name: "Ops Bcc: evil@x",
      address: "ops@example.com",
    });
  });
});

describe("pdfFileName", () => {
  it("names the attachment by role and period", () => {
    expect(pdfFileName("ceo", "2026-10")).toBe("ceo-report-2026-10.pdf");
  });

  it("cannot be steered into a path or a header parameter", () => {
    expect(pdfFileName('../x"\r\n', "2026-10")).toBe("-x--report-2026-10.pdf");
  });
});
