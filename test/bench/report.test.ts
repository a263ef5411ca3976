import { describe, expect, it } from "vitest";

// BENCHMARKS.md is generated from the benchmarks' results (bench/report.js, plain JavaScript):
// these tests read the document a result becomes, as its reader would, and check the figures,
// the ratios and the verdicts are the result's, not typed.

interface Subject {
  name: string;
  runs: number[];
  peakRssKb: number | null;
  detail?: string;
}
interface Result {
  id: string;
  title: string;
  command: string;
  measuredAt?: string;
  machine?: Record<string, unknown>;
  cases: { name: string; unit?: string; subjects: Subject[] }[];
  targets?: { text: string; actual: string; met: boolean }[];
  notes?: string[];
}
interface Report {
  renderBenchmarks(input: {
    order: string[];
    results: Map<string, Result>;
    notes: Map<string, string>;
    missing?: string[];
  }): string;
  formatRatio(peer: number, ours: number, unit?: string): string;
  formatFigure(value: number, unit?: string): string;
  formatMemory(kb: number | null): string;
}
interface Lib {
  writeResult(result: unknown): unknown;
  median(values: number[]): number;
}

const report = (await import(new URL("../../bench/report.js", import.meta.url).href)) as Report;
const lib = (await import(new URL("../../bench/lib.js", import.meta.url).href)) as Lib;

const ledger = (peerRuns: number[], ourRuns = [1400, 1390, 1420, 1380, 1500]): Result => ({
  id: "ledger",
  title: "Ledger aggregation",
  command: "npm run bench:ledger",
  measuredAt: "2026-11-21T19:30:00.000Z",
  machine: { cpu: "Test CPU", cores: 2, memoryGb: 24, node: "v20.20.2", load: [0.5, 0.4, 0.3] },
  cases: [
    {
      name: "1,000,000 transactions",
      subjects: [
        { name: "exec-intel", runs: ourRuns, peakRssKb: 262_000, detail: "700,000 transactions/s" },
        { name: "ledger-cli 3.3.0", runs: peerRuns, peakRssKb: 2_767_148 },
      ],
    },
  ],
  targets: [{ text: "at least 10× faster than ledger-cli", actual: "14.5×", met: true }],
  notes: ["load average at the end: 0.5"],
});

const render = (result: Result, prose = "What it measures: totals.") =>
  report.renderBenchmarks({
    order: ["ledger", "e2e"],
    results: new Map([["ledger", result]]),
    notes: new Map([["ledger", prose]]),
    missing: ["e2e"],
  });

describe("BENCHMARKS.md from results", () => {
  it("shows each subject's median, min–max, runs, peak memory and ratio to exec-intel", () => {
    const doc = render(ledger([20_400, 20_100, 20_900, 20_300, 21_000]));
    expect(doc).toContain(
      "| **exec-intel** | 1.40 s | 1.38 s – 1.50 s | 5 | 256 MB | — | 700,000 transactions/s |",
    );
    // 20,400 / 1,400 = 14.6: the ratio of the medians.
    expect(doc).toContain(
      "| ledger-cli 3.3.0 | 20.4 s | 20.1 s – 21.0 s | 5 | 2,702 MB | 15× slower than exec-intel |  |",
    );
  });

  it("moves the ratio when the peer's runs change", () => {
    const doc = render(ledger([700, 700, 700, 700, 700]));
    expect(doc).toContain("2.0× faster than exec-intel");
    expect(doc).not.toContain("slower than exec-intel");
  });

  it("says where and when it was measured and how to reproduce it", () => {
    const doc = render(ledger([20_000]));
    expect(doc).toContain("## Ledger aggregation");
    expect(doc).toContain(
      "`npm run bench:ledger` · measured 2026-11-21 19:30 UTC · Test CPU, 2 cores, 24 GB, Node v20.20.2 · load 0.5 / 0.4 / 0.3",
    );
    expect(doc).toContain("What it measures: totals.");
    expect(doc).toContain("Not measured yet: e2e.");
  });

  it("puts every target in the summary with its verdict, a missed one marked", () => {
    const result = ledger([20_000]);
    result.targets = [
      { text: "at least 10× faster than ledger-cli", actual: "14.5×", met: true },
      { text: "at least 50× faster than hledger", actual: "38.0×", met: false },
    ];
    const doc = render(result);
    expect(doc).toContain(
      "| Ledger aggregation | at least 10× faster than ledger-cli | 14.5× | met |",
    );
    expect(doc).toContain(
      "| Ledger aggregation | at least 50× faster than hledger | 38.0× | **not met** |",
    );
    expect(doc).toContain("- **not met**: at least 50× faster than hledger — 38.0×");
  });

  it("escapes a pipe in a name so the table keeps its columns", () => {
    const result = ledger([20_000]);
    (result.cases[0] as { name: string }).name = "a | b";
    expect(render(result)).toContain("**a \\| b**");
  });

  it("writes rates with their unit and a plain quotient", () => {
    expect(report.formatFigure(193.4, "messages/s")).toBe("193 messages/s");
    expect(report.formatRatio(100, 200, "messages/s")).toBe("0.50× exec-intel's");
    expect(report.formatMemory(null)).toBe("n/a");
  });
});

describe("a benchmark's result", () => {
  it("is refused without runs, so a table of blanks never reaches the document", () => {
    const result = ledger([20_000]);
    (result.cases[0]?.subjects[1] as Subject).runs = [];
    expect(() => lib.writeResult(result)).toThrow(
      /case 1,000,000 transactions, ledger-cli 3.3.0: runs/,
    );
    const noVerdict = { ...ledger([1]), targets: [{ text: "x", actual: "y" }] };
    expect(() => lib.writeResult(noVerdict)).toThrow(/target x: met/);
  });

  it("takes the median of an even count as the mean of the middle two", () => {
    expect(lib.median([4, 1, 3, 2])).toBe(2.5);
    expect(lib.median([5, 1, 3])).toBe(3);
  });
});
