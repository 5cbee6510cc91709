/**
 * `Headers` over a parsed field list: case-insensitive lookups by a scan of the list, RFC 2047
 * decoding on demand.
 *
 * A message has a few dozen fields and its readers ask for a handful of names (a MIME part's
 * reader three), so a scan that compares names in place costs less than an index of lower-cased
 * names (a `Map`, a string per field and an array per name, built for every message and part).
 * A block of more than `SCAN_MAX` fields (a header bomb) still gets the index on first use, so
 * no lookup costs more than a map's.
 *
 * @category internal
 * @since 0.1.0
 */
import type { Header, Headers } from "../MessageTypes.ts"
import { EMPTY_LIST } from "../ListKinds.ts"
import { parseFields } from "./HeaderBlock.ts"
import * as Rfc2047 from "./Rfc2047.ts"

// Not frozen: a frozen array is an elements kind of its own, and the fields' readers loop over
// this and filled lists alike (`ListKinds`).
const EMPTY: ReadonlyArray<string> = EMPTY_LIST
const SCAN_MAX = 64

const isAsciiText = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/** Whether two ASCII names are equal after `toLowerCase`, compared in place. */
const sameAscii = (a: string, b: string): boolean => {
  const n = a.length
  if (n !== b.length) return false
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y && (x >= 0x41 && x <= 0x5a ? x | 0x20 : x) !== (y >= 0x41 && y <= 0x5a ? y | 0x20 : y)) return false
  }
  return true
}

class FieldList implements Headers {
  // Names outside ASCII (only from `fromList`: parsed names are printable ASCII) are compared as
  // `toLowerCase` gives them, which may change their length (`İ` becomes two characters).
  private asciiNames: boolean | undefined
  private index: Map<string, Array<string>> | undefined
  constructor(readonly list: ReadonlyArray<Header>) {}

  private byName(name: string): ReadonlyArray<string> | undefined {
    if (!this.index) {
      const index = new Map<string, Array<string>>()
      for (const h of this.list) {
        const key = h.name.toLowerCase()
        const values = index.get(key)
        if (values) values.push(h.value)
        else index.set(key, [h.value])
      }
      this.index = index
    }
    return this.index.get(name.toLowerCase())
  }

  /** The index of the first field at or after `from` named `name` (in any case), or -1. */
  private find(name: string, from: number): number {
    const list = this.list
    if (this.asciiNames === undefined) {
      let ascii = true
      for (let i = 0; i < list.length && ascii; i++) ascii = isAsciiText(list[i]!.name)
      this.asciiNames = ascii
    }
    if (this.asciiNames && isAsciiText(name)) {
      for (let i = from; i < list.length; i++) if (sameAscii(list[i]!.name, name)) return i
      return -1
    }
    const key = name.toLowerCase()
    for (let i = from; i < list.length; i++) if (list[i]!.name.toLowerCase() === key) return i
    return -1
  }

  get(name: string): string | undefined {
    if (this.list.length > SCAN_MAX) return this.byName(name)?.[0]
    const i = this.find(name, 0)
    return i < 0 ? undefined : this.list[i]!.value
  }

  getAll(name: string): ReadonlyArray<string> {
    if (this.list.length > SCAN_MAX) return this.byName(name) ?? EMPTY
    let values: Array<string> | undefined
    for (let i = this.find(name, 0); i >= 0; i = this.find(name, i + 1)) (values ??= []).push(this.list[i]!.value)
    return values ?? EMPTY
  }

  decoded(name: string): string | undefined {
    const v = this.get(name)
    return v === undefined ? undefined : Rfc2047.decode(v)
  }
}

/** Headers from an already parsed list. */
export const fromList = (list: ReadonlyArray<Header>): Headers => new FieldList(list)

/** Headers from header block text (any line ends). */
export const parse = (text: string): Headers => new FieldList(parseFields(text))

export const empty: Headers = new FieldList([])
