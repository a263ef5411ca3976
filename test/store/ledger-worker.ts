// A child process for the ledger tests: plans `count` keys, then claims and marks each one sent
// with a simulated send in between, printing a line after each step has returned (stdout to a
// pipe is synchronous on Linux, so a printed line means the step is committed). With `--wait-go`
// it prints "ready" and waits for "go" on stdin, so two workers can start racing together.
// Usage: node --import tsx ledger-worker.ts FILE RUN_ID COUNT [--wait-go]
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { openSqliteLedger } from "../../src/adapters/store/sqlite-store.js";
import { ledgerKey } from "./keys.js";

const [file, runId, count, flag] = process.argv.slice(2);
if (file === undefined || runId === undefined || count === undefined) {
  throw new Error("usage: ledger-worker.ts FILE RUN_ID COUNT [--wait-go]");
}

const ledger = openSqliteLedger(file);
for (const row of ledger.recoverInterrupted(new Date())) {
  process.stdout.write(`recovered ${row.recipient}\n`);
}
const keys = Array.from({ length: Number(count) }, (_, index) => ledgerKey(index));
ledger.plan(keys, runId, new Date());
if (flag === "--wait-go") {
  process.stdout.write("ready\n");
  await once(process.stdin, "data");
}
for (const [index, key] of keys.entries()) {
  if (!ledger.claim(key, runId, `<${runId}.${index}@exec-intel>`, new Date())) continue;
  process.stdout.write(`claimed ${index}\n`);
  await sleep(1);
  ledger.markSent(key, `${runId}-${index}`, new Date());
  process.stdout.write(`sent ${index}\n`);
}
ledger.close();
process.stdout.write("done\n");
process.exit(0);
