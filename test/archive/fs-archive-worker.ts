// A child process for the fs archive race: opens the archive at ROOT, prints "ready", waits for
// "go" on stdin so every worker starts together, then writes COUNT keys at once, each with a body
// naming this worker, and prints one JSON line mapping each key to "created" or "exists".
// Usage: node --import tsx fs-archive-worker.ts ROOT NAME COUNT
import { once } from "node:events";
import { createFsArchive } from "../../src/adapters/archive/fs-archive.js";
import { raceBody, raceKey } from "./race.js";

const [root, name, count] = process.argv.slice(2);
if (root === undefined || name === undefined || count === undefined) {
  throw new Error("usage: fs-archive-worker.ts ROOT NAME COUNT");
}

const archive = createFsArchive(root);
const keys = Array.from({ length: Number(count) }, (_, index) => raceKey(index));
process.stdout.write("ready\n");
await once(process.stdin, "data");
const outcomes = await Promise.all(
  keys.map((key) =>
    archive.putIfAbsent({ key, body: raceBody(name, key), contentType: "text/plain" }),
  ),
);
process.stdout.write(
  `${JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, outcomes[i]])))}\n`,
);
process.exit(0);
