import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

// A new user follows the README and docs/ link by link: every relative link must lead to a file
// that exists and, with a #fragment, to a heading it has (GitHub's anchors, by github-slugger).

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
];

/** Relative links of a Markdown file (inline links and images, and HTML src/href), without code blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  const links = [
    ...[...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? ""),
    ...[...prose.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? ""),
  ];
  return links.filter((link) => !/^[a-z]+:/i.test(link));
}

/** The anchors GitHub gives a Markdown file's headings. */
function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return new Set(
    [...prose.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map((m) =>
      slugger.slug((m[1] ?? "").replace(/`/g, "")),
    ),
  );
}

describe("links in the README and docs/", () => {
  it("finds the documents and their links (the check below is not empty)", () => {
    expect(DOCS).toContain("docs/troubleshooting.md");
    expect(linksOf(readFileSync(path.join(ROOT, "README.md"), "utf8")).length).toBeGreaterThan(10);
  });

  it.each(DOCS)("%s: every relative link and anchor resolves", (doc) => {
    const text = readFileSync(path.join(ROOT, doc), "utf8");
    const broken: string[] = [];
    for (const link of linksOf(text)) {
      const [target = "", fragment] = link.split("#");
      const file =
        target === "" ? path.join(ROOT, doc) : path.resolve(ROOT, path.dirname(doc), target);
      if (!existsSync(file)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (
        fragment !== undefined &&
        fragment !== "" &&
        statSync(file).isFile() &&
        file.endsWith(".md")
      ) {
        if (!anchorsOf(readFileSync(file, "utf8")).has(fragment))
          broken.push(`${link}: no heading with anchor #${fragment}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("catches a broken link and a wrong anchor (the check can fail)", () => {
    const anchors = anchorsOf("# Top\n## Data formats\n```\n# not a heading\n```\n");
    expect(anchors.has("data-formats")).toBe(true);
    expect(anchors.has("not-a-heading")).toBe(false);
    expect(linksOf("[a](docs/x.md#y) `[b](z.md)` ![i](img.png) [w](https://x.y)")).toEqual([
      "docs/x.md#y",
      "img.png",
    ]);
  });
});
