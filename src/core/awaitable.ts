// Store ports return `Awaitable` values: the SQLite drivers answer synchronously (better-sqlite3),
// the DynamoDB driver over the network. Callers always `await`; SQLite-only code (tests, the CLI's
// own helpers) may keep the synchronous form through `Synchronous`.

/** A value now, or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** A port whose methods answer at once: what the SQLite drivers return. */
export type Synchronous<Port> = {
  [K in keyof Port]: Port[K] extends (...args: infer A) => infer R
    ? (...args: A) => Awaited<R>
    : Port[K];
};
