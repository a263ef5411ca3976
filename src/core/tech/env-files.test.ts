import { describe, expect, it } from "vitest";
import { isEnvFile } from "./env-files.js";

describe("isEnvFile", () => {
  it("knows committed environment files", () => {
    for (const path of [
      ".env",
      ".env.production",
      ".env.local",
      "api/.env",
      "config/production.env",
      "app.env",
    ])
      expect(isEnvFile(path), path).toBe(true);
  });

  it("leaves templates and look-alikes alone", () => {
    for (const path of [
      ".env.example",
      ".env.sample",
      ".env.template",
      ".env.dist",
      "config/.env.example.local",
      "example.env",
      "config/sample.env",
      ".envrc",
      "environment.ts",
      ".env.js",
      "src/env.ts",
      ".env/README.md",
    ])
      expect(isEnvFile(path), path).toBe(false);
  });
});
