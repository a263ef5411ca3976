import { mkdirSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import type { AuditFields, AuditLog } from "../../core/audit/ports.js";

// The audit log as CloudWatch-compatible JSON lines (pino): one object per line with
// Powertools-style keys (level, message, service, timestamp) plus snake_case context keys, so a
// Logs Insights query such as `filter step = "deliver" | stats count() by report` reads it as is.

/** Where and how a run logs. */
export interface AuditLogOptions {
  /** The JSON-lines file to append to (its folder is created); none: echo only. */
  file?: string;
  runId: string;
  level: "debug" | "info" | "warn" | "error";
  /** Also write each line here (`--log-format json`: stdout). */
  echo?: (line: string) => void;
  /** Write Embedded Metric Format lines for `metrics()`. */
  metrics: boolean;
  namespace: string;
  /** Applied to every string written: masks credentials (see `maskSecrets`). */
  redact: (text: string) => string;
  now: () => Date;
}

/** A run's audit log, and a way to make sure every line reached the file. */
export interface FileAuditLog extends AuditLog {
  flush(): void;
}

const SERVICE = "exec-intel";

/** Opens the audit log file of one run. */
export function openAuditLog(options: AuditLogOptions): FileAuditLog {
  const streams: pino.StreamEntry[] = [];
  let file: (pino.DestinationStream & { flushSync(): void }) | undefined;
  if (options.file !== undefined) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    // Synchronous writes: a run killed mid-way still leaves every line it logged.
    file = pino.destination({ dest: options.file, sync: true, append: true });
    streams.push({ stream: file, level: "debug" });
  }
  if (options.echo !== undefined) {
    const echo = options.echo;
    streams.push({ stream: { write: (line: string) => echo(line) }, level: "debug" });
  }
  const logger = pino(
    {
      level: options.level,
      base: { service: SERVICE, run_id: options.runId },
      messageKey: "message",
      timestamp: () => `,"timestamp":"${options.now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    pino.multistream(streams),
  );
  return {
    event(level, step, message, fields = {}) {
      logger[level]({ step, ...contextKeys(fields, options.redact) }, options.redact(message));
    },
    metrics(values, dimensions) {
      if (!options.metrics) return;
      const names = Object.keys(values);
      const dimensionKeys = ["service", ...Object.keys(dimensions)];
      logger.info(
        {
          step: "run",
          ...Object.fromEntries(Object.entries(dimensions).map(([k, v]) => [k, options.redact(v)])),
          ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value])),
          _aws: {
            Timestamp: options.now().getTime(),
            CloudWatchMetrics: [
              {
                Namespace: options.namespace,
                Dimensions: [dimensionKeys],
                Metrics: names.map((name) => ({ Name: name, Unit: values[name]?.unit })),
              },
            ],
          },
        },
        "metrics",
      );
    },
    flush: () => file?.flushSync(),
  };
}

/** camelCase context fields as snake_case keys, strings masked, absent ones left out. */
function contextKeys(
  fields: AuditFields,
  redact: (text: string) => string,
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[snakeCase(key)] = typeof value === "string" ? redact(value) : value;
  }
  return out;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
