import { describe, expect, it } from "vitest";
import { detectDeliverySignals, isDeliveryContentFile, MAX_EVIDENCE } from "./delivery-signals.js";

/** Signals of a tree given as path → text (text is used only for content-checked files). */
function signalsOf(tree: Record<string, string>) {
  const files = Object.keys(tree);
  const texts = new Map(files.filter(isDeliveryContentFile).map((p) => [p, tree[p] as string]));
  return detectDeliverySignals(files, texts);
}

describe("detectDeliverySignals", () => {
  it("finds every kind of signal by path", () => {
    expect(
      signalsOf({
        ".github/workflows/ci.yml": "on: push\n",
        ".gitlab-ci.yml": "",
        Jenkinsfile: "",
        "test/unit/a.test.js": "",
        "test/helpers.js": "",
        "src/b.spec.ts": "",
        "app/models/user_spec.rb": "",
        "api/handler_test.py": "",
        "config/environments/staging.rb": "",
        ".env.staging": "",
        "deploy.sh": "",
        "scripts/deploy-prod.js": "",
        Procfile: "",
        ".clasp.json": "",
        "docs/ROLLBACK.md": "",
        "README.md": "# readme",
      }),
    ).toEqual({
      ci: [".github/workflows/ci.yml", ".gitlab-ci.yml", "Jenkinsfile"],
      tests: ["api/handler_test.py", "app/models/user_spec.rb", "src/b.spec.ts", "test/"],
      staging: [".env.staging", "config/environments/staging.rb"],
      deployScripts: [".clasp.json", "Procfile", "deploy.sh", "scripts/deploy-prod.js"],
      rollbackDocs: ["docs/ROLLBACK.md"],
    });
  });

  it("finds nothing in a tree that shows no delivery cycle", () => {
    expect(
      signalsOf({
        "index.html": "",
        "src/app.js": "",
        "docs/deployment.md": "how we deploy by hand",
        "src/stage.js": "",
        "src/latest.js": "",
        Makefile: "build:\n\tnpm run build\n",
        "RUNBOOK.md": "restart the server",
      }),
    ).toEqual({ ci: [], tests: [], staging: [], deployScripts: [], rollbackDocs: [] });
  });

  it("reads the text of files whose name alone says nothing", () => {
    const signals = signalsOf({
      Makefile:
        "DEPLOY_DIR := out\nbuild:\n\tnpm run build\ndeploy-prod: build\n\taws s3 sync out s3://site\n",
      "package.json": JSON.stringify({ scripts: { test: "vitest", "deploy:prod": "sam deploy" } }),
      "samconfig.toml": 'version = 0.1\n[staging.deploy.parameters]\nstack_name = "api-staging"\n',
      "serverless.yml": "service: api\nprovider:\n  stage: staging\n",
      "docs/runbook.md": "## If a release breaks\nRoll back with `git revert` and redeploy.\n",
    });
    expect(signals.deployScripts).toEqual(["Makefile", "package.json", "samconfig.toml"]);
    expect(signals.staging).toEqual(["samconfig.toml", "serverless.yml"]);
    expect(signals.rollbackDocs).toEqual(["docs/runbook.md"]);
  });

  it("ignores vendored code and keeps evidence short", () => {
    const tree: Record<string, string> = {
      "node_modules/x/test/a.test.js": "",
      "vendor/deploy.sh": "",
    };
    for (let i = 0; i < 30; i++) tree[`src/m${String(i).padStart(2, "0")}.test.js`] = "";
    const signals = signalsOf(tree);
    expect(signals.tests).toHaveLength(MAX_EVIDENCE);
    expect(signals.tests[0]).toBe("src/m00.test.js");
    expect(signals.deployScripts).toEqual([]);
    expect(isDeliveryContentFile("node_modules/x/Makefile")).toBe(false);
  });
});
