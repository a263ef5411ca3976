import { describe, expect, it } from "vitest";
import { endOfLife, releaseCycle } from "./end-of-life.js";

describe("endOfLife", () => {
  it("reads the release cycle out of declared versions and ranges", () => {
    expect(releaseCycle("14.x", 1)).toBe("14");
    expect(releaseCycle(">=16.3.0", 1)).toBe("16");
    expect(releaseCycle("v18.20.1", 1)).toBe("18");
    expect(releaseCycle("~> 6.1.4", 2)).toBe("6.1");
    expect(releaseCycle("2.7.2p137", 2)).toBe("2.7");
    expect(releaseCycle("3", 2)).toBeUndefined();
    expect(releaseCycle("lts/*", 1)).toBeUndefined();
    expect(releaseCycle(" DEPRECATED_ES5 ", undefined)).toBe("DEPRECATED_ES5");
  });

  it("flags a cycle whose end falls on or before the period end", () => {
    expect(endOfLife("Node.js", "14.x", "2026-10-31")).toEqual({
      since: "2023-04-30",
      note: "Node.js 14 reached end of life on 2023-04-30",
    });
    expect(endOfLife("Rails", "~> 6.1.4", "2026-10-31")?.since).toBe("2024-10-01");
    expect(endOfLife("Ruby", "2.7.2p137", "2026-10-31")?.since).toBe("2023-03-31");
    expect(endOfLife("Python", "==3.8.10", "2026-10-31")?.since).toBe("2024-10-07");
    expect(endOfLife("PostgreSQL", "12-alpine", "2026-10-31")?.since).toBe("2024-11-21");
    expect(endOfLife("Apps Script", "DEPRECATED_ES5", "2026-10-31")?.since).toBe("2026-01-31");
    // The end day itself is past support.
    expect(endOfLife("Node.js", "18", "2025-04-30")?.since).toBe("2025-04-30");
  });

  it("does not flag supported cycles, later periods' ends, or unknown technologies", () => {
    expect(endOfLife("Node.js", "18", "2025-04-29")).toBeUndefined();
    expect(endOfLife("Node.js", "22.1.0", "2026-10-31")).toBeUndefined();
    expect(endOfLife("Apps Script", "V8", "2026-10-31")).toBeUndefined();
    expect(endOfLife("Rails", "7.1.3", "2026-10-31")).toBeUndefined();
    expect(endOfLife("Express", "^4.18.2", "2026-10-31")).toBeUndefined();
    expect(endOfLife("Node.js", "lts/*", "2026-10-31")).toBeUndefined();
  });
});
