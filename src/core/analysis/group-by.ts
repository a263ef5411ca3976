/** Records by a key, each group in the records' order (as a filter per key would list them). */
export function groupBy<T, K>(records: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of records) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * groupBy kept per list: analyses, rules and reports join the same lists many times a run (per
 * delivery, per client, per unit), and scanning a whole list for each made them grow with the
 * square of the book. A book is not changed once read; a list whose length changed is grouped
 * anew.
 */
export function grouper<T, K>(
  keyOf: (item: T) => K,
): (list: readonly T[]) => ReadonlyMap<K, readonly T[]> {
  const cache = new WeakMap<readonly T[], { length: number; groups: Map<K, T[]> }>();
  return (list) => {
    let grouped = cache.get(list);
    if (grouped === undefined || grouped.length !== list.length) {
      grouped = { length: list.length, groups: groupBy(list, keyOf) };
      cache.set(list, grouped);
    }
    return grouped.groups;
  };
}
