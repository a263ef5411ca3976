/**
 * Matching two sentences by the words that carry their meaning: a gap with the step that fixes
 * it, an observed finding with the handoff item or registry entry that describes the same thing.
 */

const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can do does for from has have how in into is it its " +
    "itself no nor not of on once one only or our out own so some still such than that the " +
    "their them then there these they this those to too up use used via was we were what when " +
    "where which while who why will with without would about any all each every even never " +
    "new old same just also month monthly saved save about off"
  ).split(" "),
);

/** Shared content words two sentences need to count as saying the same thing. */
export const MIN_FIX_OVERLAP = 2;

/** Content words of a sentence, lightly stemmed, for matching issues with the steps that fix them. */
export function contentWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w))
    .map(stem);
  return new Set(words);
}

function stem(word: string): string {
  for (const suffix of ["ing", "ed", "es", "s"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4)
      return word.slice(0, -suffix.length);
  }
  return word;
}

/**
 * The candidate sharing the most words with `words` (at least `minimum`), the earliest on ties;
 * undefined when none is close enough. `wordsOf` undefined skips a candidate.
 */
export function bestMatch<T>(
  words: ReadonlySet<string>,
  candidates: Iterable<T>,
  wordsOf: (candidate: T) => ReadonlySet<string> | undefined,
  minimum = MIN_FIX_OVERLAP,
): T | undefined {
  let best: T | undefined;
  let bestScore = minimum - 1;
  for (const candidate of candidates) {
    const theirs = wordsOf(candidate);
    if (theirs === undefined) continue;
    let score = 0;
    for (const word of theirs) if (words.has(word)) score += 1;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
