import { describe, expect, it } from "vitest";
import type { RunHistory, RunRecord } from "../../../src/core/history/ports.js";
import { failure, iso, type StoreFixture } from "./fixture.js";

// The run history's contract: started once, finished once, listed newest first, found by id,
// unique prefix or `latest`.

/** Starts run `runId` at second `second`. */
async function start(history: RunHistory, runId: string, second: number): Promise<void> {
  await history.start({
    runId,
    startedAt: iso(second),
    period: "2026-10",
    tenants: ["acme", "globex"],
    logFile: `/state/logs/${runId}.jsonl`,
  });
}

const OUTCOME: Omit<RunRecord, "runId" | "startedAt" | "period" | "tenants" | "logFile"> = {
  finishedAt: iso(50),
  status: "finished",
  validation: "passed",
  reports: 4,
  sent: 7,
  failed: 1,
  archive: "s3://archive/exec-intel/",
  manifests: [{ tenant: "acme", key: "acme/2026-10/manifest.json", sha256: "ab".repeat(32) }],
};

/** Registers the run history's contract. */
export function describeHistoryContract(fixture: () => StoreFixture): void {
  const history = () => fixture().stores.history;

  describe("run history", () => {
    it("keeps a started run as running, with an empty outcome", async () => {
      await start(history(), "a1b2c3", 1);
      expect(await history().find("a1b2c3")).toEqual({
        runId: "a1b2c3",
        startedAt: iso(1),
        finishedAt: null,
        period: "2026-10",
        tenants: ["acme", "globex"],
        status: "running",
        validation: "not-run",
        reports: 0,
        sent: 0,
        failed: 0,
        archive: null,
        manifests: [],
        logFile: "/state/logs/a1b2c3.jsonl",
      });
    });

    it("keeps a run without a log file", async () => {
      await history().start({
        runId: "r1",
        startedAt: iso(1),
        period: "2026-10",
        tenants: [],
        logFile: null,
      });
      expect(await history().find("r1")).toMatchObject({ logFile: null, tenants: [] });
    });

    it("records a running run's outcome once; finishing it again or an unknown run throws", async () => {
      await start(history(), "a1b2c3", 1);
      await history().finish("a1b2c3", OUTCOME);
      const finished = await history().find("a1b2c3");
      expect(finished).toMatchObject({ ...OUTCOME, runId: "a1b2c3", startedAt: iso(1) });
      expect(
        await failure(() => history().finish("a1b2c3", { ...OUTCOME, sent: 9 })),
      ).toBeInstanceOf(Error);
      expect(await failure(() => history().finish("nope", OUTCOME))).toBeInstanceOf(Error);
      expect(await history().find("a1b2c3")).toEqual(finished);
    });

    it("refuses to start the same run id twice", async () => {
      await start(history(), "a1b2c3", 1);
      expect(await failure(() => start(history(), "a1b2c3", 2))).toBeInstanceOf(Error);
      expect((await history().list()).map((r) => r.startedAt)).toEqual([iso(1)]);
    });

    it("lists runs newest first by start time, up to the limit", async () => {
      await start(history(), "run-a", 1);
      await start(history(), "run-b", 30);
      await start(history(), "run-c", 20);
      expect((await history().list()).map((r) => r.runId)).toEqual(["run-b", "run-c", "run-a"]);
      expect((await history().list(2)).map((r) => r.runId)).toEqual(["run-b", "run-c"]);
    });

    it("finds a run by id, by a unique prefix of its id, or as latest", async () => {
      await start(history(), "a1b2c3", 1);
      await start(history(), "a1b9ff", 3);
      await start(history(), "c4d5e6", 2);
      expect((await history().find("a1b9ff"))?.runId).toBe("a1b9ff");
      expect((await history().find("c4"))?.runId).toBe("c4d5e6");
      expect((await history().find("a1b2"))?.runId).toBe("a1b2c3");
      expect((await history().find("latest"))?.runId).toBe("a1b9ff");
    });

    it("finds nothing for an ambiguous prefix or an unknown id", async () => {
      await start(history(), "a1b2c3", 1);
      await start(history(), "a1b9ff", 2);
      expect(await history().find("a1b")).toBeUndefined();
      expect(await history().find("zz")).toBeUndefined();
    });

    it("prefers a whole id over the longer ids it is a prefix of", async () => {
      await start(history(), "a1b2c3-retry", 1);
      await start(history(), "a1b2c3", 2);
      await start(history(), "a1b2c3-again", 3);
      expect((await history().find("a1b2c3"))?.runId).toBe("a1b2c3");
    });

    it("answers an empty history with no runs and no latest", async () => {
      expect(await history().list()).toEqual([]);
      expect(await history().find("latest")).toBeUndefined();
    });
  });
}
