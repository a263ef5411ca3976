import type { Problem } from "../../core/errors.js";

/** What a domain source folder contributes: one book of records for its entity. */
export interface DomainYield<Book> {
  /** Undefined when the folder could not be read at all (the problems say why). */
  book?: Book;
  /** Latest date the records cover. */
  asOf?: string;
  /** Records read, for the source's count. */
  records: number;
  problems: Problem[];
}
