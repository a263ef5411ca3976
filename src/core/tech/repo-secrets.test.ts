import { describe, expect, it } from "vitest";
import { HIGH_ENTROPY_RULE } from "../validate/secret-patterns.js";
import { collectEnvFiles, collectRepoSecrets, hitsAt } from "./repo-secrets.js";
import type { BlobHit, BlobOccurrence } from "./scan-cache.js";

const stripe: BlobHit = {
  ruleId: "exec-intel/stripe",
  kind: "Stripe live secret key",
  line: 3,
  fingerprint: "sk_l… sha256:0a1b2c3d",
};
const entropy: BlobHit = {
  ruleId: HIGH_ENTROPY_RULE,
  kind: "high-entropy token",
  line: 9,
  fingerprint: "sha5… sha256:99887766",
};

const at = (commit: string, commitDate: string, path: string, blob: string): BlobOccurrence => ({
  commit,
  commitDate,
  path,
  blob,
});

describe("collectRepoSecrets", () => {
  it("reports a secret once per path, at the oldest commit that wrote it", () => {
    // The key is added (b1), the file edited with the key kept (b2), then the key removed (b3).
    const occurrences = [
      at("c1", "2026-01-05", "config.js", "b1"),
      at("c2", "2026-02-01", "config.js", "b2"),
      at("c3", "2026-03-01", "config.js", "b3"),
    ];
    const hits = { b1: [stripe], b2: [{ ...stripe, line: 4 }] };
    expect(collectRepoSecrets(occurrences, hits, new Map([["config.js", "b3"]]))).toEqual([
      {
        kind: "Stripe live secret key",
        ruleId: "exec-intel/stripe",
        commit: "c1",
        commitDate: "2026-01-05",
        path: "config.js",
        line: 3,
        fingerprint: "sk_l… sha256:0a1b2c3d",
        inHead: false,
      },
    ]);
  });

  it("marks secrets the current tree still holds, and keeps copies at other paths apart", () => {
    const occurrences = [
      at("c1", "2026-01-05", "a.js", "b1"),
      at("c2", "2026-01-06", "b.js", "b1"),
    ];
    const secrets = collectRepoSecrets(occurrences, { b1: [stripe] }, new Map([["b.js", "b1"]]));
    expect(secrets.map((s) => [s.path, s.commit, s.inHead])).toEqual([
      ["a.js", "c1", false],
      ["b.js", "c2", true],
    ]);
  });

  it("drops generic high-entropy hits in lock files but keeps vendor formats there", () => {
    expect(hitsAt("package-lock.json", [entropy, stripe])).toEqual([stripe]);
    expect(hitsAt("web/app.min.js", [entropy])).toEqual([]);
    expect(hitsAt("src/config.js", [entropy, stripe])).toEqual([entropy, stripe]);
    const occurrences = [at("c1", "2026-01-05", "yarn.lock", "b1")];
    expect(collectRepoSecrets(occurrences, { b1: [entropy] }, new Map())).toEqual([]);
  });
});

describe("collectEnvFiles", () => {
  it("lists each env file once with the commit that added it, and whether it is still there", () => {
    const occurrences = [
      at("c1", "2026-01-05", ".env", "e1"),
      at("c2", "2026-01-09", ".env", "e2"),
      at("c2", "2026-01-09", ".env.example", "x1"),
      at("c3", "2026-02-01", "deploy/prod.env", "p1"),
    ];
    expect(collectEnvFiles(occurrences, new Map([[".env", "e2"]]))).toEqual([
      { path: ".env", commit: "c1", commitDate: "2026-01-05", inHead: true },
      { path: "deploy/prod.env", commit: "c3", commitDate: "2026-02-01", inHead: false },
    ]);
  });
});
