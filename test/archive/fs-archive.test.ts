import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  appendFile,
  chmod,
  mkdir,
  readdir,
  readFile,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsArchive } from "../../src/adapters/archive/fs-archive.js";
import { renderReport } from "../../src/adapters/render/render-report.js";
import {
  archiveReports,
  earlierManifests,
  sha256Hex,
  verifyManifests,
  writeManifest,
} from "../../src/archive.js";
import { type ArchivedObject, buildManifest } from "../../src/core/archive/manifest.js";
import { type Archive, ArchiveKeyError } from "../../src/core/archive/ports.js";
import type { ManifestRef } from "../../src/core/history/ports.js";
import { makeTempDir, PORTFOLIO, PORTFOLIO_ROLES } from "../helpers/cli.js";
import { filesUnder } from "../helpers/files.js";
import { computeTenant } from "../helpers/pipeline.js";
import { raceBody, raceKey } from "./race.js";

/**
 * The local filesystem archive on real temp folders: create-only writes that leave read-only
 * files, listing, key checks, separate processes racing for the same keys, and the archive step
 * (reports, manifests, verify) over the rendered reference reports.
 */

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = fileURLToPath(new URL("./fs-archive-worker.ts", import.meta.url));

const bytes = (text: string) => new TextEncoder().encode(text);
const put = (archive: Archive, key: string, body: Uint8Array | string = key) =>
  archive.putIfAbsent({
    key,
    body: typeof body === "string" ? bytes(body) : body,
    contentType: "text/plain",
  });
/** Bytes as a plain Uint8Array: the fs driver returns a Buffer, which toEqual tells apart. */
const read = async (archive: Archive, key: string) => {
  const body = await archive.get(key);
  return body === undefined ? undefined : new Uint8Array(body);
};
/** Hashes with node:crypto directly, so the test does not vouch for sha256Hex with itself. */
const sha256 = (body: Uint8Array) => createHash("sha256").update(body).digest("hex");

let dir: string;
let cleanup: () => Promise<void>;
let root: string;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  root = path.join(dir, "archive");
});

afterEach(async () => {
  await cleanup();
});

describe("fs archive", () => {
  it("reads back what it wrote, from a read-only file at the key's path", async () => {
    const archive = createFsArchive(root);
    const key = "portfolio/2026-11-21/ceo-report.html";
    const body = bytes("<p>Revenue up 4 % — Café</p>");

    expect(await put(archive, key, body)).toBe("created");

    expect(archive.driver).toBe("fs");
    expect(archive.location).toBe(root);
    expect(archive.uri(key)).toBe(path.join(root, "portfolio", "2026-11-21", "ceo-report.html"));
    expect(await read(archive, key)).toEqual(body);
    expect(new Uint8Array(await readFile(archive.uri(key)))).toEqual(body);
    expect((await stat(archive.uri(key))).mode & 0o777).toBe(0o444);
    expect(await filesUnder(dir)).toEqual([path.join("archive", ...key.split("/"))]);
  });

  it("resolves a relative root against the current folder", () => {
    const archive = createFsArchive("some/archive");
    expect(archive.location).toBe(path.resolve("some/archive"));
    expect(archive.uri("t/a.txt")).toBe(path.resolve("some/archive/t/a.txt"));
  });

  it("reads a key never written as undefined", async () => {
    const archive = createFsArchive(root);
    expect(await archive.get("portfolio/2026-11-21/never.json")).toBeUndefined();
    await put(archive, "portfolio/2026-11-21/other.json");
    expect(await archive.get("portfolio/2026-11-21/never.json")).toBeUndefined();
  });

  it("never overwrites: a second write of a key finds it taken and keeps the first bytes", async () => {
    const archive = createFsArchive(root);
    const key = "portfolio/2026-11-21/cfo-report.txt";
    const first = Buffer.from("first body");

    expect(await put(archive, key, first)).toBe("created");
    // The caller reusing its buffer must not reach into the archive…
    first.write("XXXXX");
    expect(await read(archive, key)).toEqual(bytes("first body"));
    // …and writing the changed buffer, or anything else, under the key writes nothing.
    expect(await put(archive, key, first)).toBe("exists");
    expect(await put(archive, key, "a longer second body that would show")).toBe("exists");
    expect(
      await createFsArchive(root).putIfAbsent({ key, body: bytes(""), contentType: "x" }),
    ).toBe("exists");

    expect(await readFile(archive.uri(key), "utf8")).toBe("first body");
    expect((await stat(archive.uri(key))).mode & 0o777).toBe(0o444);
    // The refused writes left no temporary file behind.
    expect(await readdir(path.dirname(archive.uri(key)))).toEqual(["cfo-report.txt"]);
  });

  it("lets exactly one of many concurrent writes of one key win", async () => {
    const archive = createFsArchive(root);
    const key = "portfolio/2026-11-21/ceo-report.json";
    const bodies = Array.from({ length: 12 }, (_, i) => `writer ${i} `.repeat(5000));

    const outcomes = await Promise.all(bodies.map((body) => put(archive, key, body)));

    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "exists")).toHaveLength(11);
    expect(await readFile(archive.uri(key), "utf8")).toBe(bodies[outcomes.indexOf("created")]);
    expect(await filesUnder(root)).toEqual([
      path.join("portfolio", "2026-11-21", "ceo-report.json"),
    ]);
  });

  describe("list", () => {
    const KEYS = [
      "portfolio/2026-11-22/b.html",
      "other/c.txt",
      "port/x.txt",
      "portfolio/2026-11-21/a.html",
      "portal.txt",
      "portfolio/2026-11-21/manifest.json",
      // Sorts before "portfolio/…" ("-" < "/") though a folder walk reaches it after.
      "portfolio-notes.txt",
    ];

    beforeEach(async () => {
      const archive = createFsArchive(root);
      for (const key of KEYS) await put(archive, key);
      // What a writer killed between writing and linking leaves: never an object.
      await writeFile(path.join(root, "portfolio", "2026-11-21", ".tmp-0123456789abcdef"), "half");
      await writeFile(path.join(root, ".tmp-fedcba9876543210"), "half");
    });

    it.each([
      [
        "",
        [
          "other/c.txt",
          "port/x.txt",
          "portal.txt",
          "portfolio-notes.txt",
          "portfolio/2026-11-21/a.html",
          "portfolio/2026-11-21/manifest.json",
          "portfolio/2026-11-22/b.html",
        ],
      ],
      [
        "port",
        [
          "port/x.txt",
          "portal.txt",
          "portfolio-notes.txt",
          "portfolio/2026-11-21/a.html",
          "portfolio/2026-11-21/manifest.json",
          "portfolio/2026-11-22/b.html",
        ],
      ],
      ["port/", ["port/x.txt"]],
      [
        "portfolio",
        [
          "portfolio-notes.txt",
          "portfolio/2026-11-21/a.html",
          "portfolio/2026-11-21/manifest.json",
          "portfolio/2026-11-22/b.html",
        ],
      ],
      [
        "portfolio/2026-11-2",
        [
          "portfolio/2026-11-21/a.html",
          "portfolio/2026-11-21/manifest.json",
          "portfolio/2026-11-22/b.html",
        ],
      ],
      [
        "portfolio/2026-11-21/",
        ["portfolio/2026-11-21/a.html", "portfolio/2026-11-21/manifest.json"],
      ],
      ["portfolio/2026-11-21/m", ["portfolio/2026-11-21/manifest.json"]],
      ["portfolio/2026-11-21/a.html", ["portfolio/2026-11-21/a.html"]],
      ["portfolio/2026-11-23/", []],
      ["nothing", []],
      // A file is not a folder: nothing lives under it.
      ["portal.txt/", []],
      ["../", []],
    ])("prefix %j lists its keys, sorted, without temporary files", async (prefix, expected) => {
      expect(await createFsArchive(root).list(prefix)).toEqual(expected);
    });
  });

  it("lists nothing, and does not create the root, when the root does not exist", async () => {
    const archive = createFsArchive(root);
    expect(await archive.list("")).toEqual([]);
    expect(await archive.list("portfolio/")).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    "../escape",
    "portfolio/../../escape",
    "portfolio/2026-11-21/..",
    "portfolio/ceo..html",
    "/abs",
    "/tmp/abs",
    "a//b",
    "a/./b",
    "a/",
    "",
    ".hidden",
    "portfolio/.tmp-0123456789abcdef",
    "a\\..\\b",
    "a/b c",
    "a/b\nc",
  ])("rejects the key %j and writes nothing anywhere", async (key) => {
    const archive = createFsArchive(root);
    await expect(put(archive, key)).rejects.toThrow(ArchiveKeyError);
    await expect(archive.get(key)).rejects.toThrow(ArchiveKeyError);
    expect(() => archive.uri(key)).toThrow(/must be slash-separated names/);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it("keeps one winner per key when separate processes race for the same keys", async () => {
    const COUNT = 20;
    const names = ["w1", "w2", "w3", "w4"];
    const workers = names.map((name) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", WORKER, root, name, String(COUNT)],
        { cwd: REPO },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exit = once(child, "exit").then(([code]) => {
        if (code !== 0) throw new Error(`worker ${name} exited ${code}: ${stderr}`);
      });
      const ready = (async () => {
        while (!stdout.startsWith("ready\n")) {
          const exited = await Promise.race([once(child.stdout, "data").then(() => false), exit]);
          if (exited !== false) throw new Error(`worker ${name} exited early: ${stderr}`);
        }
      })();
      return { name, child, ready, exit, output: () => stdout };
    });
    await Promise.all(workers.map((w) => w.ready));
    for (const worker of workers) worker.child.stdin.write("go\n");
    await Promise.all(workers.map((w) => w.exit));

    const outcomes = workers.map(
      (w) => JSON.parse(w.output().split("\n")[1] ?? "") as Record<string, string>,
    );
    const archive = createFsArchive(root);
    for (let index = 0; index < COUNT; index++) {
      const key = raceKey(index);
      const winners = names.filter((_, w) => outcomes[w]?.[key] === "created");
      expect(winners, key).toHaveLength(1);
      expect(
        names.filter((_, w) => outcomes[w]?.[key] === "exists"),
        key,
      ).toHaveLength(3);
      // Hashes, not 128 KiB arrays: toEqual walks typed arrays element by element, slowly.
      const stored = (await archive.get(key)) ?? new Uint8Array();
      expect(sha256(stored), key).toBe(sha256(raceBody(winners[0] ?? "", key)));
    }
    const keys = Array.from({ length: COUNT }, (_, i) => raceKey(i));
    expect(await archive.list("")).toEqual(keys);
    // No temporary file survives, listed or not.
    expect(await filesUnder(root)).toEqual(keys.map((key) => path.join(...key.split("/"))));
  });
});

describe("archiving the reference reports", async () => {
  const { reports } = await computeTenant(PORTFOLIO);
  const rendered = await Promise.all(reports.map((document) => renderReport(document)));
  const TENANT = "portfolio";
  const DAY = "2026-11-21";
  const FOLDER = `${TENANT}/${DAY}`;
  const RUN_1 = "20261121T080000Z-aaaa1111";
  const RUN_2 = "20261121T093000Z-bbbb2222";

  /** Every file name a report is archived as, with the bytes it must hold. */
  const expectedFiles = rendered.flatMap((report) => {
    const role = report.document.role;
    return [
      { name: `${role}-report.html`, body: bytes(report.html) },
      { name: `${role}-report.txt`, body: bytes(report.text) },
      { name: `${role}-report.md`, body: bytes(report.markdown) },
      { name: `${role}-report.json`, body: bytes(report.json) },
      ...report.charts.map((chart) => ({ name: chart.fileName, body: chart.png })),
    ];
  });

  /** One run's archive step as the run does it: earlier manifests, reports, then its manifest. */
  async function archiveRun(archive: Archive, runId: string) {
    const related = await earlierManifests(archive, TENANT, DAY);
    const objects = await archiveReports(archive, {
      tenant: TENANT,
      day: DAY,
      runId,
      reports: rendered,
    });
    const manifest = buildManifest({
      runId,
      toolVersion: "0.1.0",
      workspace: { gitCommit: null, dirty: null },
      generatedAt: "2026-11-21T08:00:00.000Z",
      period: "2026-10",
      tenant: { id: TENANT, name: "Portfolio" },
      archive: { driver: archive.driver, location: archive.location },
      sources: [],
      verdict: { ok: true, problems: [], warnings: [], downgraded: [] },
      objects,
      deliveries: [],
      related,
    });
    const ref = await writeManifest(archive, manifest, DAY);
    return { related, objects, manifest, ref };
  }

  /** Makes an archived file writable and appends to it, as someone editing it by hand would. */
  async function tamper(archive: Archive, key: string) {
    await chmod(archive.uri(key), 0o644);
    await appendFile(archive.uri(key), "\n<!-- edited -->");
  }

  /** The hash a run recorded for `key`. */
  const hashOf = (objects: ArchivedObject[], key: string) => {
    const found = objects.find((o) => o.key === key);
    if (found === undefined) throw new Error(`the run archived no ${key}`);
    return found.sha256;
  };

  it("has eight reports with charts to archive (the checks below are not vacuous)", () => {
    expect(rendered.map((r) => r.document.role)).toEqual([...PORTFOLIO_ROLES]);
    expect(rendered.some((r) => r.charts.length > 0)).toBe(true);
    expect(rendered.some((r) => r.pdf !== undefined)).toBe(false);
  });

  it("the first run of a day writes every rendition under the day folder, read-only, with its hash", async () => {
    const archive = createFsArchive(root);
    const { related, objects, ref } = await archiveRun(archive, RUN_1);

    expect(related).toEqual([]);
    expect(objects.map((o) => o.key)).toEqual(expectedFiles.map((f) => `${FOLDER}/${f.name}`));
    for (const [index, object] of objects.entries()) {
      const expected = expectedFiles[index]?.body ?? new Uint8Array();
      const onDisk = await readFile(path.join(root, TENANT, DAY, path.basename(object.key)));
      expect(sha256(onDisk), object.key).toBe(sha256(expected));
      expect(object.uri).toBe(path.join(root, ...object.key.split("/")));
      expect(object.bytes).toBe(expected.byteLength);
      expect(object.sha256).toBe(sha256(expected));
      expect((await stat(object.uri)).mode & 0o777, object.key).toBe(0o444);
    }
    expect(objects.find((o) => o.key === `${FOLDER}/cfo-report.json`)).toMatchObject({
      role: "cfo",
      report: "portfolio/2026-10/cfo",
      format: "json",
      contentType: "application/json",
    });

    expect(ref.key).toBe(`${FOLDER}/manifest.json`);
    expect(ref.tenant).toBe(TENANT);
    const manifestOnDisk = await readFile(archive.uri(ref.key));
    expect(ref.sha256).toBe(sha256(manifestOnDisk));
    expect(JSON.parse(manifestOnDisk.toString("utf8"))).toMatchObject({
      runId: RUN_1,
      objects,
      related: [],
    });
    expect(await archive.list(`${FOLDER}/`)).toEqual(
      [...expectedFiles.map((f) => `${FOLDER}/${f.name}`), `${FOLDER}/manifest.json`].sort(),
    );
  });

  it("a second run the same day writes only run-suffixed keys and links the first manifest", async () => {
    const archive = createFsArchive(root);
    const first = await archiveRun(archive, RUN_1);
    const before = new Map(
      await Promise.all(
        (await archive.list("")).map(
          async (k) => [k, sha256((await archive.get(k)) ?? new Uint8Array())] as const,
        ),
      ),
    );

    const second = await archiveRun(archive, RUN_2);

    expect(second.related).toEqual([first.ref.key]);
    const suffixed = expectedFiles.map((f) => {
      const dot = f.name.lastIndexOf(".");
      return `${FOLDER}/${f.name.slice(0, dot)}.${RUN_2}${f.name.slice(dot)}`;
    });
    expect(second.objects.map((o) => o.key)).toEqual(suffixed);
    expect(second.objects.map((o) => o.sha256)).toEqual(first.objects.map((o) => o.sha256));
    expect(second.ref.key).toBe(`${FOLDER}/manifest.${RUN_2}.json`);
    expect(JSON.parse((await readFile(archive.uri(second.ref.key))).toString())).toMatchObject({
      runId: RUN_2,
      related: [`${FOLDER}/manifest.json`],
    });
    // The first run's objects and manifest are untouched.
    for (const [key, hash] of before) {
      expect(sha256((await archive.get(key)) ?? new Uint8Array()), key).toBe(hash);
    }
    expect(await archive.list(`${FOLDER}/`)).toHaveLength(2 * (expectedFiles.length + 1));
    // The day's first manifest first, then the run-suffixed ones.
    expect(await earlierManifests(archive, TENANT, DAY)).toEqual([
      `${FOLDER}/manifest.json`,
      `${FOLDER}/manifest.${RUN_2}.json`,
    ]);
  });

  it("verify finds nothing wrong with untouched runs", async () => {
    const archive = createFsArchive(root);
    const refs = [(await archiveRun(archive, RUN_1)).ref, (await archiveRun(archive, RUN_2)).ref];
    expect(await verifyManifests(archive, refs)).toEqual(
      refs.map((ref) => ({ ref, objects: expectedFiles.length, problems: [] })),
    );
  });

  it("verify reports exactly the archived file that was edited, and the one that was deleted", async () => {
    const archive = createFsArchive(root);
    const first = await archiveRun(archive, RUN_1);
    const second = await archiveRun(archive, RUN_2);
    const edited = `${FOLDER}/cfo-report.txt`;
    const deleted = `${FOLDER}/ceo-report.${RUN_2}.html`;
    const editedExpected = hashOf(first.objects, edited);
    const deletedExpected = hashOf(second.objects, deleted);

    await tamper(archive, edited);
    await unlink(archive.uri(deleted));

    const checks = await verifyManifests(archive, [first.ref, second.ref]);
    expect(checks).toEqual([
      {
        ref: first.ref,
        objects: expectedFiles.length,
        problems: [
          {
            key: edited,
            problem: "changed",
            expected: editedExpected,
            actual: sha256(await readFile(archive.uri(edited))),
          },
        ],
      },
      {
        ref: second.ref,
        objects: expectedFiles.length,
        problems: [{ key: deleted, problem: "missing", expected: deletedExpected, actual: null }],
      },
    ]);
  });

  it("verify reports an edited or missing manifest and does not trust the objects it lists", async () => {
    const archive = createFsArchive(root);
    const first = await archiveRun(archive, RUN_1);
    const second = await archiveRun(archive, RUN_2);
    // An object is edited too: a changed manifest could have been edited to match it.
    await tamper(archive, `${FOLDER}/cmo-report.md`);
    await tamper(archive, first.ref.key);
    await unlink(archive.uri(second.ref.key));

    const checks = await verifyManifests(archive, [first.ref, second.ref]);

    expect(checks).toEqual([
      {
        ref: first.ref,
        objects: 0,
        problems: [
          {
            key: first.ref.key,
            problem: "changed",
            expected: first.ref.sha256,
            actual: sha256(await readFile(archive.uri(first.ref.key))),
          },
        ],
      },
      {
        ref: second.ref,
        objects: 0,
        problems: [
          { key: second.ref.key, problem: "missing", expected: second.ref.sha256, actual: null },
        ],
      },
    ]);
  });

  it("a manifest ref with a wrong hash is reported even when the file is intact", async () => {
    const archive = createFsArchive(root);
    const { ref } = await archiveRun(archive, RUN_1);
    const forged: ManifestRef = { ...ref, sha256: sha256Hex(bytes("something else")) };
    expect(await verifyManifests(archive, [forged])).toEqual([
      {
        ref: forged,
        objects: 0,
        problems: [
          { key: ref.key, problem: "changed", expected: forged.sha256, actual: ref.sha256 },
        ],
      },
    ]);
  });
});

it("sha256Hex is the SHA-256 of the bytes, in hex", () => {
  expect(sha256Hex(bytes("abc"))).toBe(
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  expect(sha256Hex(new Uint8Array())).toBe(
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

it("root folders made by mkdir are not mistaken for objects", async () => {
  await mkdir(path.join(root, "portfolio", "2026-11-21", "empty"), { recursive: true });
  expect(await createFsArchive(root).list("")).toEqual([]);
});
