/** Thrown by every ledger driver when a transition is asked of a row whose state does not allow it (a caller bug). */
export class IllegalTransitionError extends Error {
  override readonly name = "IllegalTransitionError";
}
