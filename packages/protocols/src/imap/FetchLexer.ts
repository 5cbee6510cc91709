/**
 * Follows the structure of one server response line (outside literals) just far enough to tell
 * whether the next literal is the value of a whole-message FETCH item: `BODY[]` (the answer to
 * both BODY[] and BODY.PEEK[]), `RFC822` or `BINARY[]`, directly inside `* n FETCH (...)`.
 *
 * It tracks parenthesis depth, quoted strings (with backslash escapes) and atoms; an atom's
 * `[...]` section may contain spaces and parentheses (`BODY[HEADER.FIELDS (FROM)]`) and may be
 * followed by `<origin>` (`BODY[]<0>`, a partial fetch, is a different name and never matches).
 * At depth 1 the items alternate name, value; a literal is a message only in value position after
 * one of the whole-message names.
 *
 * **Gotchas**
 * - Atoms are remembered up to 64 bytes; longer ones cannot be item names we act on.
 * - The response must start `* <number> FETCH (`; the caller checks that separately from the
 *   first bytes of the response.
 *
 * @category models
 * @since 0.1.0
 */

const WHOLE_MESSAGE_ITEMS = new Set(["BODY[]", "RFC822", "BINARY[]"])
const MAX_ATOM = 64

export class FetchLexer {
  private depth = 0
  private inQuote = false
  private escape = false
  private atom = ""
  private atomLong = false
  private bracket = 0
  private expectName = true
  private lastName = ""

  feed(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]!)
  }

  /** Called when a literal starts: is it the value of a whole-message item? */
  literalStarts(): boolean {
    this.endAtom()
    return this.depth === 1 && !this.expectName && WHOLE_MESSAGE_ITEMS.has(this.lastName)
  }

  /** Called when a literal has been read: it was a value. */
  literalEnds(): void {
    if (this.depth === 1) this.expectName = true
  }

  private byte(b: number): void {
    if (this.inQuote) {
      if (this.escape) this.escape = false
      else if (b === 0x5c) this.escape = true
      else if (b === 0x22) {
        this.inQuote = false
        if (this.depth === 1) this.expectName = true
      }
      return
    }
    if (this.bracket > 0) {
      if (b === 0x5b) this.bracket++
      else if (b === 0x5d) this.bracket--
      this.append(b)
      return
    }
    switch (b) {
      case 0x20:
      case 0x0d:
      case 0x0a:
        this.endAtom()
        return
      case 0x28:
        this.endAtom()
        this.depth++
        return
      case 0x29:
        this.endAtom()
        if (this.depth > 0) this.depth--
        if (this.depth === 1) this.expectName = true
        return
      case 0x22:
        this.endAtom()
        this.inQuote = true
        return
      case 0x5b:
        this.bracket = 1
        this.append(b)
        return
      default:
        this.append(b)
    }
  }

  private append(b: number): void {
    if (this.atom.length >= MAX_ATOM) this.atomLong = true
    else this.atom += String.fromCharCode(b >= 0x61 && b <= 0x7a ? b - 0x20 : b)
  }

  private endAtom(): void {
    if (this.atom === "" && !this.atomLong) return
    if (this.depth === 1) {
      if (this.expectName) {
        this.lastName = this.atomLong ? "" : this.atom
        this.expectName = false
      } else {
        this.expectName = true
      }
    }
    this.atom = ""
    this.atomLong = false
    this.bracket = 0
  }
}
