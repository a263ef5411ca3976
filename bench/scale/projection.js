// The cost model of bench/scale.js: from the measured per-tenant pipeline time and the request
// census of one tenant (bench/scale/census.js), the Lambda duration and the monthly AWS bill for
// 10,000 tenants. A model, not a measurement: list prices, assumed round-trip times, free tiers
// ignored. Every assumption is a named constant here so the table in BENCHMARKS.md can be redone.

/** AWS list prices, us-east-1, USD, as published on the AWS pricing pages (see PRICES_AS_OF). */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  // On-demand, after the 50% cut of 1 November 2024.
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  s3Put: 0.005 / 1000, // PUT, COPY, POST, LIST
  s3Get: 0.0004 / 1000,
  s3GbMonth: 0.023,
  sesEmail: 0.1 / 1000,
  sesAttachmentGb: 0.12,
};
export const PRICES_AS_OF =
  "AWS list prices for us-east-1 as published in 2025 (Lambda, SQS, S3 and SES unchanged since 2023; DynamoDB on-demand since 2024-11-01); not re-checked from this offline machine on 2026-11-21";

/** The deployment (infra/lib/exec-intel-stack.ts): worker 1,536 MB x86_64, sesEvents 256 MB. */
export const WORKER_MB = 1536;
const SES_EVENTS_MB = 256;
/** Lambda gives one vCPU's worth of CPU at 1,769 MB and a share in proportion below that. */
const FULL_VCPU_MB = 1769;

/** Assumed in-region round trips from a warm Lambda, in ms (not measured here). */
export const LATENCY_MS = {
  dynamo: 6,
  s3Get: 20,
  s3List: 25,
  s3Put: 30,
  ses: 80,
  /** One 1 MB page of a DynamoDB Scan. */
  scanPage: 60,
};
/** sesEvents per SES event: one pointer read, then a row read and up to three writes. */
const SES_EVENT_MS = 40;
/** Parallel GETs of the workspace download (src/adapters/workspace/s3-workspace.ts). */
const DOWNLOAD_PARALLEL = 8;
/** transport.concurrency's default: messages of one run go out this many at a time. */
const SEND_CONCURRENCY = 8;
/** SES publishes "Email Sent" and "Email Delivered" per message; each invokes sesEvents. */
const SES_EVENTS_PER_MESSAGE = 2;
/** SendMessage by `scheduled`, then ReceiveMessage and DeleteMessage by the event source. */
const SQS_PER_TENANT = 3;

const sum = (values) => values.reduce((a, b) => a + b, 0);
const requestsOf = (phase) => sum(Object.values(phase?.requests ?? {}));

/**
 * The model for `tenants` tenants a month. `pipelineMs` is one tenant's measured pipeline time
 * (median or p90) on this machine; `census` is bench/scale/census.js's answer.
 */
export function projectCost({
  tenants,
  pipelineMs,
  census,
  monthsOfHistory = 0,
  // Modelled only when the census saw the worker scan (the code before the per-tenant read).
  scan = (census.dynamodb.worker.requests.ScanCommand ?? 0) > 0,
}) {
  const { dynamodb, archive, messages, table, workspaceFiles, configLoadsMs } = census;
  const worker = dynamodb.worker;
  const cpuScale = FULL_VCPU_MB / WORKER_MB;
  // The worker's end-of-delivery summary asks the ledger for rows by period alone
  // (src/deliver.ts), which the DynamoDB ledger answers with a Scan of the whole table: each job
  // reads everything earlier months and the tenants before it this month left there.
  // `scan: false` models the same read narrowed to the tenant (one Query, as rows({ tenant }) is).
  const tableBytesAtJob = (tenants * monthsOfHistory + tenants / 2) * table.bytes;
  const scanReadUnits = scan ? Math.ceil(tableBytesAtJob / 4096) : 0;
  const scanPages = scan ? Math.max(1, Math.ceil(tableBytesAtJob / (1024 * 1024))) : 0;
  const networkMs =
    LATENCY_MS.s3List +
    Math.ceil(workspaceFiles / DOWNLOAD_PARALLEL) * LATENCY_MS.s3Get +
    (requestsOf(worker) - (worker.requests.ScanCommand ?? 0)) * LATENCY_MS.dynamo +
    (scan ? scanPages * LATENCY_MS.scanPage : LATENCY_MS.dynamo) +
    LATENCY_MS.s3List +
    archive.objects * LATENCY_MS.s3Put +
    Math.ceil(messages.count / SEND_CONCURRENCY) * LATENCY_MS.ses;
  const computeMs = (pipelineMs + configLoadsMs) * cpuScale;
  const durationMs = Math.ceil(computeMs + networkMs);
  const workerGbSeconds = tenants * (durationMs / 1000) * (WORKER_MB / 1024);
  const sesEvents = tenants * messages.count * SES_EVENTS_PER_MESSAGE;
  const sesEventsGbSeconds = sesEvents * (SES_EVENT_MS / 1000) * (SES_EVENTS_MB / 1024);
  const writeUnits =
    (dynamodb.scheduled.writeUnits + worker.writeUnits + dynamodb.sesEvents.writeUnits) * tenants;
  const readUnits =
    (dynamodb.scheduled.readUnits + worker.readUnits + dynamodb.sesEvents.readUnits) * tenants;
  const scanUnits = scanReadUnits * tenants;
  // LIST is priced as PUT: one for the workspace download, one for the day's earlier manifests.
  const s3Puts = tenants * (archive.objects + 2);
  const s3Gets = tenants * workspaceFiles;
  const emails = tenants * messages.count;
  const attachmentGb = (tenants * messages.bytes) / 1024 ** 3;
  const archiveGb = (tenants * archive.bytes) / 1024 ** 3;
  const rows = [
    {
      item: `Lambda worker, x86_64 ${WORKER_MB} MB`,
      perTenant: `${durationMs} ms (${Math.round(computeMs)} compute + ${Math.round(networkMs)} requests)`,
      volume: `${fmt(workerGbSeconds)} GB-s`,
      price: "$0.0000166667 per GB-s",
      usd: workerGbSeconds * PRICES.lambdaX86GbSecond,
    },
    {
      item: "(same on arm64, for comparison)",
      perTenant: "",
      volume: `${fmt(workerGbSeconds)} GB-s`,
      price: "$0.0000133334 per GB-s",
      usd: workerGbSeconds * PRICES.lambdaArmGbSecond,
      excluded: true,
    },
    {
      item: "Lambda requests (worker + sesEvents)",
      perTenant: `${1 + messages.count * SES_EVENTS_PER_MESSAGE}`,
      volume: fmt(tenants + sesEvents),
      price: "$0.20 per 1M",
      usd: (tenants + sesEvents) * PRICES.lambdaRequest,
    },
    {
      item: `Lambda sesEvents, ${SES_EVENTS_MB} MB`,
      perTenant: `${messages.count * SES_EVENTS_PER_MESSAGE} × ${SES_EVENT_MS} ms`,
      volume: `${fmt(sesEventsGbSeconds)} GB-s`,
      price: "$0.0000166667 per GB-s",
      usd: sesEventsGbSeconds * PRICES.lambdaX86GbSecond,
    },
    {
      item: "SQS requests",
      perTenant: `${SQS_PER_TENANT}`,
      volume: fmt(tenants * SQS_PER_TENANT),
      price: "$0.40 per 1M",
      usd: tenants * SQS_PER_TENANT * PRICES.sqsRequest,
    },
    {
      item: "DynamoDB writes (on-demand)",
      perTenant: `${dynamodb.scheduled.writeUnits + worker.writeUnits + dynamodb.sesEvents.writeUnits} WRU`,
      volume: `${fmt(writeUnits)} WRU`,
      price: "$0.625 per 1M WRU",
      usd: writeUnits * PRICES.dynamoWriteUnit,
    },
    {
      item: "DynamoDB reads, without the Scan",
      perTenant: `${fmt(readUnits / tenants)} RRU`,
      volume: `${fmt(readUnits)} RRU`,
      price: "$0.125 per 1M RRU",
      usd: readUnits * PRICES.dynamoReadUnit,
    },
    {
      item: scan
        ? `DynamoDB Scan per job (${monthsOfHistory} earlier months in the table)`
        : "DynamoDB Scan per job (none: the worker reads per tenant)",
      perTenant: `${fmt(scanReadUnits)} RRU, ${scanPages} page(s)`,
      volume: `${fmt(scanUnits)} RRU`,
      price: "$0.125 per 1M RRU",
      usd: scanUnits * PRICES.dynamoReadUnit,
    },
    {
      item: "S3 PUT (archive) + LIST (download, manifests)",
      perTenant: `${archive.objects} + 2`,
      volume: fmt(s3Puts),
      price: "$0.005 per 1,000",
      usd: s3Puts * PRICES.s3Put,
    },
    {
      item: "S3 GET (workspace download)",
      perTenant: `${workspaceFiles}`,
      volume: fmt(s3Gets),
      price: "$0.0004 per 1,000",
      usd: s3Gets * PRICES.s3Get,
    },
    {
      item: "S3 storage of one month's archive",
      perTenant: `${fmt(archive.bytes / 1024)} KB`,
      volume: `${archiveGb.toFixed(2)} GB`,
      price: "$0.023 per GB-month",
      usd: archiveGb * PRICES.s3GbMonth,
    },
    {
      item: "SES emails",
      perTenant: `${messages.count}`,
      volume: fmt(emails),
      price: "$0.10 per 1,000",
      usd: emails * PRICES.sesEmail,
    },
    {
      item: "SES attachments (whole messages, an upper bound)",
      perTenant: `${fmt(messages.bytes / 1024)} KB`,
      volume: `${attachmentGb.toFixed(2)} GB`,
      price: "$0.12 per GB",
      usd: attachmentGb * PRICES.sesAttachmentGb,
    },
  ];
  const total = sum(rows.filter((r) => !r.excluded).map((r) => r.usd));
  return { tenants, durationMs, computeMs, networkMs, scanReadUnits, scanPages, rows, total };
}

/** 12345.6 → "12,346"; small values keep two decimals. */
function fmt(value) {
  return value >= 100
    ? Math.round(value).toLocaleString("en-US")
    : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
