// What one run's audit log (.exec-intel/logs/<runId>.jsonl) says about where its time went;
// used by bench/growth.js and bench/e2e.js.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Audit-log step names as the benchmark prints them (validate covers rendering and the gate). */
export const STEP_LABELS = {
  collect: "collect",
  analyse: "analyse + compose",
  validate: "render + gate",
  archive: "archive",
  deliver: "deliver",
  run: "whole run (in process)",
};

/**
 * The run's steps: the largest duration_ms per step (per-tenant lines repeat the step's time),
 * and the rendered HTML bytes of every report.
 */
export function readAuditLog(workspace) {
  const logs = join(workspace, ".exec-intel/logs");
  const steps = {};
  let htmlBytes = 0;
  for (const file of readdirSync(logs).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(logs, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const event = JSON.parse(line);
      if (typeof event.duration_ms === "number")
        steps[event.step] = Math.max(steps[event.step] ?? 0, event.duration_ms);
      if (event.step === "render" && typeof event.html_bytes === "number")
        htmlBytes += event.html_bytes;
    }
  }
  return { steps, htmlBytes };
}
