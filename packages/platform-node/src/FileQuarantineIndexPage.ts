/**
 * An unfiltered page of the file quarantine's index while its snapshot is not decoded (see
 * FileQuarantineIndex): the snapshot's rows in one order, less those the journal removed or
 * replaced since (`hidden`), merged with the rows the journal added since (`added`, in the same
 * order), newest first. Only the rows the page walks over are decoded: the ones before the
 * cursor's position (found by bisection), the `offset` skipped and the page itself. The
 * snapshot's checksum vouches for its orders; the rows walked are checked against each other
 * all the same, cheaply.
 *
 * @since 0.1.0
 */
import { Quarantine } from "@mailmoat/core"
import type { IndexRow } from "./FileQuarantineIndexRecord.ts"
import type { Base } from "./FileQuarantineIndexSnapshot.ts"

const { compareKeys, keyOf } = Quarantine

export type Order = "stored" | "received"

export interface PageQuery {
  readonly order: Order
  readonly after?: { readonly at: string; readonly id: string } | undefined
  readonly offset: number
  readonly limit: number
}

/**
 * A snapshot row that does not decode, or rows walked out of their order: the caller decodes them
 * all (which checks every order), or reads the journal.
 */
class Undecodable extends Error {}

/**
 * The page's ids, newest first; undefined when a row of the snapshot the page needed does not
 * decode.
 */
export const unfilteredPage = (
  base: Base,
  hidden: ReadonlySet<number>,
  added: ReadonlyArray<IndexRow>,
  q: PageQuery
): Array<string> | undefined => {
  const position = q.order === "stored" ? (k: number) => k : base.receivedAt
  const rowAt = (k: number): IndexRow => {
    const row = base.row(position(k))
    if (row === undefined) throw new Undecodable()
    return row
  }
  /** The last snapshot row walked: each next one must come before it. */
  let previous: IndexRow | undefined
  const walked = (row: IndexRow) => {
    if (previous !== undefined && compareKeys(keyOf(row, q.order), row.id, keyOf(previous, q.order), previous.id) >= 0)
      throw new Undecodable()
    previous = row
  }
  const below = (row: IndexRow, at: string, id: string) => compareKeys(keyOf(row, q.order), row.id, at, id) < 0
  /** The first position in `[0, n)` whose row is not below the cursor (`n` without one). */
  const bound = (n: number, rowOf: (k: number) => IndexRow) => {
    const after = q.after
    if (after === undefined) return n
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (below(rowOf(mid), after.at, after.id)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  try {
    let i = bound(base.count, rowAt) - 1
    let j = bound(added.length, (k) => added[k]!) - 1
    let skip = q.offset
    const ids: Array<string> = []
    let fromBase: IndexRow | undefined
    while (ids.length < q.limit) {
      while (i >= 0 && hidden.has(position(i))) i--
      if (i < 0 && j < 0) break
      fromBase = i < 0 ? undefined : (fromBase ?? rowAt(i))
      const other = j < 0 ? undefined : added[j]!
      const takeBase =
        fromBase !== undefined &&
        (other === undefined || compareKeys(keyOf(fromBase, q.order), fromBase.id, keyOf(other, q.order), other.id) > 0)
      const id = takeBase ? fromBase!.id : other!.id
      if (takeBase) {
        walked(fromBase!)
        i--
        fromBase = undefined
      } else j--
      if (skip > 0) skip--
      else ids.push(id)
    }
    return ids
  } catch (e) {
    if (e instanceof Undecodable) return undefined
    throw e
  }
}
