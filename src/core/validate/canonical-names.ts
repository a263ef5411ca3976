import type { EntityConfig } from "../config.js";
import type { ReportDocument } from "../reports/document.js";
import type { Gate, GateProblem } from "./types.js";

// Canonical names: every entity and domain a report mentions is spelled the way the registry
// spells it. A spelling is suspect when it equals an allowed spelling once case and spacing are
// ignored, or (for names long enough to tell a typo from another word) lies within edit distance 2
// of one, with the same first letter. Misspellings come from the data, so the fix points at the
// file the text came from.

/** Names shorter than this (letters and digits) are only checked for case and spacing. */
const MIN_FUZZY_LENGTH = 6;
/** Largest Damerau–Levenshtein distance still read as a misspelling. */
const MAX_DISTANCE = 2;

/** One allowed spelling of an entity: its name or an alias. */
interface Spelling {
  text: string;
  /** Lower-case letters and digits only: what case and spacing variants share. */
  compact: string;
  /** Compact forms of its words, to tell a partial mention ("Studio") from a typo. */
  words: string[];
  /** Letter counts of the compact form, a cheap lower bound on the edit distance. */
  histogram: Int16Array;
  entity: EntityConfig;
  isName: boolean;
}

/** A string of a report, where it sits and, when known, the workspace file it came from. */
interface Located {
  section?: string;
  text: string;
  origin?: string;
}

/** A suspect spelling found in one string. */
interface Hit {
  kind: "name" | "domain";
  found: string;
  suggestion: string;
  what: string;
}

/** Every entity name, alias and configured domain is spelled as the registry spells it. */
export const canonicalNamesGate: Gate = (input) => {
  const spellings = input.tenant.entities.flatMap((entity) =>
    [entity.name, ...entity.aliases].map((text) => spellingOf(text, entity, text === entity.name)),
  );
  const configured = input.tenant.entities.flatMap((entity) =>
    entity.domains.map((domain) => ({
      domain: domain.toLowerCase(),
      what: `the domain configured for ${entity.name}`,
    })),
  );
  // A hosted zone of an entity's AWS account is as canonical as a configured domain.
  const zones = (input.hostedZones ?? []).flatMap((zone) => {
    const entity = input.tenant.entities.find((e) => e.id === zone.entity);
    const domain = zone.domain.toLowerCase();
    return entity === undefined || configured.some((d) => d.domain === domain)
      ? []
      : [{ domain, what: `the domain ${entity.name}'s AWS account hosts in Route 53` }];
  });
  const domains = [...configured, ...zones];
  const matcher = new NameMatcher(spellings);
  const found: { document: ReportDocument; located: Located; hit: Hit }[] = [];
  for (const { document } of input.reports) {
    for (const located of documentStrings(document)) {
      for (const hit of [...matcher.scan(located.text), ...domainHits(located.text, domains)]) {
        found.push({ document, located, hit });
      }
    }
  }
  // A summary sentence repeats what a finding quotes: the finding's evidence names the file.
  const origins = new Map<string, string>();
  for (const { located, hit } of found) {
    if (located.origin !== undefined && !origins.has(hit.found))
      origins.set(hit.found, located.origin);
  }
  const problems = new Map<string, GateProblem & { count: number }>();
  for (const { document, located, hit } of found) {
    const key = [document.id, located.section ?? "", hit.found].join("\u0000");
    const known = problems.get(key);
    if (known !== undefined) known.count += 1;
    else problems.set(key, { ...problemOf(document, located, hit, origins), count: 1 });
  }
  return [...problems.values()].map(({ count, ...problem }) =>
    count > 1 ? { ...problem, message: `${problem.message} (${count} places)` } : problem,
  );
};

function problemOf(
  document: ReportDocument,
  located: Located,
  hit: Hit,
  origins: Map<string, string>,
): GateProblem {
  const where =
    located.section !== undefined ? `section ${located.section} of ${document.id}` : document.id;
  const origin = located.origin ?? origins.get(hit.found);
  const source =
    origin !== undefined
      ? `; the text comes from ${origin}: correct it there`
      : "; if the text comes from the data (a handoff note, a CSV description or the registry), correct it there";
  return {
    gate: "canonical-names",
    report: document.id,
    ...(located.section !== undefined ? { section: located.section } : {}),
    message:
      hit.kind === "name"
        ? `"${hit.found}" in ${where} is not the canonical spelling`
        : `"${hit.found}" in ${where} is not a configured domain`,
    fix: `write "${hit.suggestion}" (${hit.what})${source}`,
  };
}

function spellingOf(text: string, entity: EntityConfig, isName: boolean): Spelling {
  const words = text.match(WORD) ?? [];
  return {
    text,
    compact: words.join("").toLowerCase(),
    words: words.map((w) => w.toLowerCase()),
    histogram: histogramOf(words.join("").toLowerCase()),
    entity,
    isName,
  };
}

const WORD = /[\p{L}\p{N}]+/gu;
const IDENTIFIER =
  /[\p{L}\p{N}]+(?:[_/@.][\p{L}\p{N}]+)+|(?<![\p{L}\p{N}])[\p{Ll}\p{N}]+(?:-[\p{Ll}\p{N}]+)+/gu;
const DOMAIN =
  /(?<![\p{L}\p{N}.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?![\p{L}\p{N}-])/giu;

/** A word of a string: where it is, its lower-case form, and whether it is written like a name. */
interface Word {
  start: number;
  end: number;
  lower: string;
  capital: boolean;
  /** Whether only spaces or a hyphen separate it from the word before (names span no other punctuation). */
  spaced: boolean;
}

/** A run of words that matches a spelling: exactly (rank 0), by case or spacing (1), or a typo. */
interface Candidate {
  first: number;
  last: number;
  compact: string;
  spelling: Spelling;
  /** 0 exact, 1 case or spacing, 1 + edit distance for a typo. */
  rank: number;
  /** Whether it extends an exact shorter spelling by name-like words ("JADA Sailling"). */
  extends: boolean;
}

const BUCKETS = 32;

/** Character counts folded into 32 buckets: folding only lowers the bound, so it stays safe. */
function histogramOf(text: string): Int16Array {
  const counts = new Int16Array(BUCKETS);
  for (let i = 0; i < text.length; i += 1) {
    const bucket = text.charCodeAt(i) & (BUCKETS - 1);
    counts[bucket] = (counts[bucket] as number) + 1;
  }
  return counts;
}

/** Each edit changes at most two counts, so a histogram gap above 2·limit rules a match out. */
function histogramGap(a: Int16Array, b: Int16Array): number {
  let gap = 0;
  for (let i = 0; i < BUCKETS; i += 1) gap += Math.abs((a[i] as number) - (b[i] as number));
  return gap;
}

/** Finds suspect spellings of the tenant's entity names in free text. */
class NameMatcher {
  private readonly byCompact = new Map<string, Spelling[]>();
  /** Spellings long enough for typos, by every window length within reach of them. */
  private readonly fuzzyByLength = new Map<number, Spelling[]>();
  private readonly longest: number;
  /** Reports repeat figures and tables: each distinct string is scanned once. */
  private readonly memo = new Map<string, Hit[]>();

  constructor(private readonly spellings: Spelling[]) {
    for (const s of spellings) {
      const list = this.byCompact.get(s.compact) ?? [];
      list.push(s);
      this.byCompact.set(s.compact, list);
      if (s.compact.length < MIN_FUZZY_LENGTH) continue;
      for (let n = s.compact.length - MAX_DISTANCE; n <= s.compact.length + MAX_DISTANCE; n += 1) {
        const near = this.fuzzyByLength.get(n) ?? [];
        near.push(s);
        this.fuzzyByLength.set(n, near);
      }
    }
    this.longest = Math.max(0, ...spellings.map((s) => s.compact.length)) + MAX_DISTANCE;
  }

  /** Suspect spellings in one string, one per stretch of text. */
  scan(text: string): Hit[] {
    if (this.spellings.length === 0) return [];
    const known = this.memo.get(text);
    if (known !== undefined) return known;
    const hits = this.scanOnce(text);
    this.memo.set(text, hits);
    return hits;
  }

  private scanOnce(text: string): Hit[] {
    const words = wordsOf(text);
    const candidates = this.candidates(text, words);
    const full = candidates.filter((c) => c.rank <= 1);
    const kept = candidates.filter((c) => c.rank === 0 || this.standsAlone(c, full, words));
    // Name-like extensions of an exact spelling first, then exact spellings, case and spacing
    // variants, typos; longer before shorter. A run overlapping one already taken is explained.
    kept.sort(
      (a, b) =>
        Number(b.extends) - Number(a.extends) ||
        a.rank - b.rank ||
        b.last - b.first - (a.last - a.first) ||
        a.first - b.first,
    );
    const taken: Candidate[] = [];
    for (const c of kept) {
      if (!taken.some((t) => c.first <= t.last && t.first <= c.last)) taken.push(c);
    }
    const hits: Hit[] = [];
    for (const c of taken.sort((a, b) => a.first - b.first)) {
      if (c.rank === 0) continue;
      const found = text.slice((words[c.first] as Word).start, (words[c.last] as Word).end);
      const suggestion = closest(found, this.allowedFor(c.spelling.entity));
      hits.push({
        kind: "name",
        found,
        suggestion: suggestion.text,
        what: suggestion.isName
          ? "the registry's name"
          : `an alias of ${suggestion.entity.name} in the registry`,
      });
    }
    return hits;
  }

  /**
   * Whether a variant or typo is one in its own right, not a correct spelling plus other words:
   * "a QueenofSanDiego" and "JADA sailing charters" are fine, "JADA Sailling" is not. Words added
   * to a shorter exact spelling count as part of the name only when written like a name.
   */
  private standsAlone(c: Candidate, full: Candidate[], words: Word[]): boolean {
    c.extends = false;
    for (const f of full) {
      if (f === c || f.first < c.first || f.last > c.last) continue;
      if (f.first === c.first && f.last === c.last) continue;
      if (f.compact === c.spelling.compact || !isWordRun(f.compact, c.spelling)) return false;
      for (let i = c.first; i <= c.last; i += 1) {
        if ((i < f.first || i > f.last) && !(words[i] as Word).capital) return false;
      }
      c.extends = true;
    }
    return true;
  }

  private allowedFor(entity: EntityConfig): Spelling[] {
    return this.spellings.filter((s) => s.entity === entity);
  }

  /** Every run of words joined by spaces or hyphens that matches or nearly matches a spelling. */
  private candidates(text: string, words: Word[]): Candidate[] {
    const out: Candidate[] = [];
    for (let first = 0; first < words.length; first += 1) {
      let compact = "";
      for (let last = first; last < words.length; last += 1) {
        const word = words[last] as Word;
        if (last > first && !word.spaced) break;
        compact += word.lower;
        if (compact.length > this.longest) break;
        this.match(text, words, compact, first, last, out);
      }
    }
    return out;
  }

  private match(
    text: string,
    words: Word[],
    compact: string,
    first: number,
    last: number,
    out: Candidate[],
  ) {
    const base = { first, last, compact, extends: false };
    const same = this.byCompact.get(compact);
    if (same !== undefined) {
      const original = text.slice((words[first] as Word).start, (words[last] as Word).end);
      // Bank exports shout: "QUICK DUMP NOW" is the alias in capitals, not a misspelling.
      const allowed = same.find(
        (s) =>
          s.text === original ||
          (original === original.toUpperCase() && s.text.toUpperCase() === original),
      );
      out.push({ ...base, spelling: allowed ?? (same[0] as Spelling), rank: allowed ? 0 : 1 });
      return;
    }
    const near = this.fuzzyByLength.get(compact.length);
    if (near === undefined || !/\p{L}/u.test(compact)) return;
    // Typos keep the first letter, and a typo of a name spanning words is written like a name:
    // "a studio" and "data charters" are prose, not "DC Studio" and "JADA Charters" misspelt.
    if (last > first && !((words[first] as Word).capital && (words[last] as Word).capital)) return;
    const histogram = histogramOf(compact);
    for (const s of near) {
      if (s.compact[0] !== compact[0]) continue;
      if (histogramGap(histogram, s.histogram) > 2 * MAX_DISTANCE) continue;
      const distance = boundedDistance(compact, s.compact, MAX_DISTANCE);
      if (distance > MAX_DISTANCE || isPartialMention(compact, s)) continue;
      out.push({ ...base, spelling: s, rank: 1 + distance });
    }
  }
}

/**
 * The words of a string outside identifiers. Slugs, paths, e-mail addresses, domains and bank
 * codes (`qsd-private-charters`, `data/handoffs/x.md`, `GSUITE_JADASAILI`) are not prose:
 * domains get their own check, and ids are lower-case by design.
 */
function wordsOf(text: string): Word[] {
  const masked = text.replace(IDENTIFIER, (m) => " ".repeat(m.length));
  const words: Word[] = [];
  for (const m of masked.matchAll(WORD)) {
    const previous = words[words.length - 1];
    words.push({
      start: m.index,
      end: m.index + m[0].length,
      lower: m[0].toLowerCase(),
      capital: /^[\p{Lu}\p{N}]/u.test(m[0]),
      spaced: previous !== undefined && /^(?:[ \t]+|-)$/.test(text.slice(previous.end, m.index)),
    });
  }
  return words;
}

/** Whether a compact form is some consecutive words of a spelling (but not all of them). */
function isWordRun(compact: string, spelling: Spelling): boolean {
  const { words } = spelling;
  for (let i = 0; i < words.length; i += 1) {
    let run = "";
    for (let j = i; j < words.length && j - i < words.length - 1; j += 1) {
      run += words[j];
      if (run === compact) return true;
    }
  }
  return false;
}

/** "Studio" for "DC Studio": some whole words of a name, not a misspelling of it. */
function isPartialMention(compact: string, spelling: Spelling): boolean {
  if (spelling.words.length < 2) return false;
  const n = spelling.words.length;
  for (let mask = 1; mask < (1 << n) - 1; mask += 1) {
    const kept = spelling.words.filter((_, i) => (mask >> i) & 1).join("");
    if (kept === compact) return true;
  }
  return false;
}

/** The allowed spelling nearest to what was written: by letters and spaces first, then by case. */
function closest(found: string, allowed: Spelling[]): Spelling {
  let best = allowed[0] as Spelling;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = found.toLowerCase();
  for (const s of allowed) {
    const d =
      boundedDistance(lower, s.text.toLowerCase(), Number.POSITIVE_INFINITY) * 1000 +
      boundedDistance(found, s.text, Number.POSITIVE_INFINITY);
    if (d < bestDistance || (d === bestDistance && s.isName && !best.isName)) {
      best = s;
      bestDistance = d;
    }
  }
  return best;
}

/** Domain-like tokens within edit distance 2 of a configured domain, but not equal to it. */
function domainHits(text: string, domains: { domain: string; what: string }[]): Hit[] {
  if (domains.length === 0) return [];
  const hits: Hit[] = [];
  for (const match of text.matchAll(DOMAIN)) {
    const token = match[0].toLowerCase();
    const labels = token.split(".");
    // Compare the registrable part, so `www.jadasailling.com` is caught as well.
    const exact = domains.some(
      ({ domain }) => labels.slice(-domain.split(".").length).join(".") === domain,
    );
    if (exact) continue;
    for (const { domain, what } of domains) {
      const tail = labels.slice(-domain.split(".").length).join(".");
      if (boundedDistance(tail, domain, MAX_DISTANCE) <= MAX_DISTANCE) {
        hits.push({
          kind: "domain",
          found: match[0],
          suggestion: match[0].slice(0, match[0].length - tail.length) + domain,
          what,
        });
        break;
      }
    }
  }
  return hits;
}

/**
 * Damerau–Levenshtein distance (optimal string alignment), or `limit + 1` as soon as it is
 * known to exceed `limit`; only a band of width 2·limit is computed, which keeps the scan cheap.
 */
export function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  const big = limit + 1;
  let twoBack = new Array<number>(width).fill(big);
  let previous = Array.from({ length: width }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = new Array<number>(width).fill(big);
    current[0] = i;
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    let rowMin = current[0] as number;
    for (let j = from; j <= to; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (twoBack[j - 2] as number) + 1);
      }
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return big;
    twoBack = previous;
    previous = current;
  }
  return Math.min(previous[b.length] as number, big);
}

/** Every string a report shows, with its section and, when known, the file it came from. */
function* documentStrings(document: ReportDocument): Generator<Located> {
  yield { text: document.subject };
  yield { text: document.title };
  for (const section of document.sections) {
    const at = (text: string, origin?: string): Located => ({
      section: section.id,
      text,
      ...(origin !== undefined ? { origin } : {}),
    });
    yield at(section.title);
    for (const block of section.blocks) {
      switch (block.type) {
        case "paragraph":
          yield at(block.text);
          break;
        case "figures":
          for (const f of block.figures) {
            const files = [...new Set(f.sources.map((s) => s.file))];
            const origin = files.length === 1 ? files[0] : undefined;
            yield at(f.label, origin);
            if (f.basis !== undefined) yield at(f.basis, origin);
          }
          break;
        case "table": {
          yield at(block.table.title);
          for (const c of block.table.columns) yield at(c.label);
          for (const row of block.table.rows) {
            const origin = row.find((c): c is string => typeof c === "string" && isFileRef(c));
            for (const cell of row) if (typeof cell === "string") yield at(cell, origin);
          }
          break;
        }
        case "findings":
          yield at(block.emptyText);
          for (const f of block.findings) {
            const first = f.evidence[0]?.source;
            const origin = first !== undefined ? fileRef(first) : undefined;
            yield at(f.title, origin);
            yield at(f.action, origin);
            for (const e of f.evidence) yield at(e.text, fileRef(e.source));
          }
          break;
        case "chart":
          yield at(block.chart.title);
          for (const s of block.chart.series) yield at(s.name);
          break;
        case "tasks":
          yield at(block.emptyText);
          for (const t of block.tasks) yield at(t.title);
          break;
      }
    }
  }
}

function fileRef(source: { file: string; line?: number }): string {
  return source.line !== undefined ? `${source.file}:${source.line}` : source.file;
}

/** A table cell that names a workspace file, e.g. `data/handoffs/x.md:12`. */
function isFileRef(cell: string): boolean {
  return /^[\w.-]+(?:\/[\w.-]+)+\.(?:md|csv|ya?ml|json|txt)(?::\d+)?$/.test(cell);
}
