import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { assembleMessage } from "../../src/adapters/render/message.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import { makeTempDir, PORTFOLIO } from "../helpers/cli.js";
import { computeTenant } from "../helpers/pipeline.js";

// Debian's SpamAssassin with its shipped rules and no network tests (-L) scores each reference
// email as a receiving server would. The bar is far below the usual 5.0: a report that needs
// luck to reach the inbox is a report that sometimes does not.
const MAX_SCORE = 2.0;

interface Verdict {
  score: number;
  tests: string[];
  /** The rule table SpamAssassin's -t mode appends, for the failure message. */
  details: string;
}

/** Runs `spamassassin -L -t` on a message and reads its score and rule hits. */
function spamassassin(eml: Buffer, home: string): Verdict {
  // HOME points at a temp folder: SpamAssassin creates user preferences there on first run.
  const run = spawnSync("spamassassin", ["-L", "-t"], {
    input: eml,
    encoding: "utf8",
    env: { ...process.env, HOME: home },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(
      `spamassassin failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr}`,
    );
  }
  const head = run.stdout.slice(0, run.stdout.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  const status =
    /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+) required=[\d.]+ tests=([\w,\s]*?)\s+(?:autolearn|version)=/m.exec(
      head,
    );
  if (status === null) throw new Error(`no X-Spam-Status header in:\n${head}`);
  return {
    score: Number(status[1]),
    tests: (status[2] ?? "").split(/[,\s]+/).filter((t) => t !== "" && t !== "none"),
    details:
      /Content analysis details:[\s\S]*?\n pts rule name[\s\S]*?(?=\r?\n\r?\n|$)/.exec(
        run.stdout,
      )?.[0] ?? "",
  };
}

describe("SpamAssassin scores of the reference emails", async () => {
  const home = await makeTempDir();
  afterAll(home.cleanup);
  const { reports } = await computeTenant(PORTFOLIO);

  it("spamassassin is installed (Debian package)", () => {
    const version = spawnSync("spamassassin", ["--version"], { encoding: "utf8" });
    expect(version.stdout, "install it with `apt-get install spamassassin`").toMatch(
      /SpamAssassin version 4\./,
    );
  });

  it.each(reports.map((document) => [document.role, document] as const))(
    `%s email scores below ${MAX_SCORE.toFixed(1)}`,
    async (role, document) => {
      const report = await renderReport(document);
      const eml = await assembleMessage(report, {
        from: { name: "Exec Intel", email: "reports@example.com" },
        to: [{ name: "Sam Rivera", email: "sam@example.com" }],
        date: new Date("2026-11-01T07:00:00Z"),
        messageId: `<run-1.${role}.5e1f@exec-intel>`,
      });
      const verdict = spamassassin(eml, home.dir);
      expect(
        verdict.score,
        `${role}: score ${verdict.score}, rules ${verdict.tests.join(", ")}\n${verdict.details}`,
      ).toBeLessThan(MAX_SCORE);
      // The parse found the rule list at all (SpamAssassin always reports some rule).
      expect(verdict.tests).toContain("HTML_MESSAGE");
    },
    60_000,
  );
});
