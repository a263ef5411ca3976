import { describe, expect, it } from "vitest";
import { endpointSources, findOpenEndpoints } from "./endpoints.js";

describe("findOpenEndpoints", () => {
  it("reports a doGet that answers anyone, with its line", () => {
    const code = [
      "// Booking form backend",
      "function doGet(e) {",
      "  const sheet = SpreadsheetApp.getActive().getSheetByName('Bookings');",
      "  return ContentService.createTextOutput(JSON.stringify(sheet.getDataRange().getValues()));",
      "}",
    ].join("\n");
    expect(findOpenEndpoints("Code.gs", code)).toEqual([
      {
        path: "Code.gs",
        line: 2,
        handler: "doGet",
        note: "needs review: doGet answers every HTTP request to the web app and checks no token, key or signed-in user",
      },
    ]);
  });

  it("accepts handlers that check a token, a key or the signed-in user", () => {
    const checks = [
      "if (e.parameter.token !== PropertiesService.getScriptProperties().getProperty('TOKEN')) return deny();",
      "const expectedKey = props.getProperty('WEBHOOK'); if (e.parameter.k !== expectedKey) return deny();",
      "if (Session.getActiveUser().getEmail() !== OWNER) return deny();",
      "if (!verifySignature(e.postData.contents, e.parameter.sig)) return deny();",
      "if (e.parameter.key !== API_KEY) return deny();",
    ];
    for (const check of checks)
      expect(
        findOpenEndpoints("a.gs", `function doPost(e) {\n  ${check}\n  return ok();\n}\n`),
        check,
      ).toEqual([]);
  });

  it("does not count words in comments, or look-alike words, as a check", () => {
    const code = [
      "function doPost(e) {",
      "  // TODO: check the token before going live",
      "  /* the secret is in script properties */",
      "  const monkey = e.parameter.animal;",
      '  return ContentService.createTextOutput(\'{"a":"}"}\');',
      "}",
      "function doGet(e) { return HtmlService.createHtmlOutput('<p>{hi}</p>'); }",
      "function helper(token) { return token; }",
    ].join("\n");
    expect(findOpenEndpoints("Web.js", code).map((e) => [e.handler, e.line])).toEqual([
      ["doPost", 1],
      ["doGet", 7],
    ]);
  });

  it("finds handlers declared as function expressions, and skips unterminated ones", () => {
    expect(
      findOpenEndpoints("a.gs", "const doGet = function (e) {\n  return out(e);\n};\n"),
    ).toHaveLength(1);
    expect(findOpenEndpoints("a.gs", "function doGet(e) {\n  return out(e);\n")).toEqual([]);
  });

  it("reads .gs files always and .js files only in Apps Script projects", () => {
    expect(endpointSources(["Code.gs", "web.js", "node_modules/x/y.gs"])).toEqual(["Code.gs"]);
    expect(endpointSources(["appsscript.json", "src/Code.js", "README.md"])).toEqual([
      "src/Code.js",
    ]);
  });
});
