/**
 * The top-level sections of a message (RFC 9051 §6.4.5) computed from its bytes: what the proxy
 * serves for a section or partial fetch of a message it rewrote, so that the client sees the
 * rewritten message in every piece as it would in a full fetch.
 *
 * - `""` the whole message, `HEADER` the header up to and including the empty line, `TEXT` the
 *   rest, `HEADER.FIELDS (A B)` / `HEADER.FIELDS.NOT (A B)` the matching fields (with their
 *   continuation lines) followed by an empty line.
 * - A numbered part (`1`, `2.MIME`, ...) is not computed here (`undefined`).
 *
 * **Gotchas**
 * - A message without an empty line is all header (RFC 5322 §3.5 allows no body); a bare LF
 *   ends lines as CRLF does, as servers read messages stored with LF.
 *
 * @category models
 * @since 0.1.0
 */

const CR = 0x0d
const LF = 0x0a

/** Offset just after the empty line that ends the header (the message length if none). */
export const headerEnd = (m: Uint8Array): number => {
  // An empty header: the message starts with its empty line.
  if (m[0] === LF) return 1
  if (m[0] === CR && m[1] === LF) return 2
  for (let i = 0; i < m.length; i++) {
    if (m[i] !== LF) continue
    if (m[i + 1] === LF) return i + 2
    if (m[i + 1] === CR && m[i + 2] === LF) return i + 3
  }
  return m.length
}

/** The header's lines, each with its line end, grouped into fields (continuations joined). */
const fieldsOf = (header: Uint8Array): Array<Uint8Array> => {
  const fields: Array<Uint8Array> = []
  let start = 0
  let fieldStart = 0
  while (start < header.length) {
    const lf = header.indexOf(LF, start)
    const end = lf === -1 ? header.length : lf + 1
    const folded = start > 0 && (header[start] === 0x20 || header[start] === 0x09)
    if (!folded && start > fieldStart) {
      fields.push(header.subarray(fieldStart, start))
      fieldStart = start
    }
    start = end
  }
  if (start > fieldStart) fields.push(header.subarray(fieldStart, start))
  return fields.filter((f) => !(f.length <= 2 && (f[0] === CR || f[0] === LF)))
}

const fieldName = (field: Uint8Array): string => {
  const colon = field.indexOf(0x3a)
  return Buffer.from(field.subarray(0, colon === -1 ? 0 : colon))
    .toString("latin1")
    .trim()
    .toUpperCase()
}

/** Names in `(A "B" C)`, upper-case. */
const namesIn = (list: string): Set<string> =>
  new Set(
    list
      .replace(/^\(|\)$/g, "")
      .split(" ")
      .map((n) => n.replace(/^"|"$/g, "").toUpperCase())
      .filter((n) => n !== "")
  )

const FIELDS = /^HEADER\.FIELDS(\.NOT)? (\(.*\))$/

/** Section `section` (upper-case, as answered) of message `m`, or undefined for a numbered part. */
export const sectionOf = (m: Uint8Array, section: string): Uint8Array | undefined => {
  if (section === "") return m
  const end = headerEnd(m)
  if (section === "HEADER") return m.subarray(0, end)
  if (section === "TEXT") return m.subarray(end)
  const fields = FIELDS.exec(section)
  if (fields === null) return undefined
  const not = fields[1] !== undefined
  const names = namesIn(fields[2]!)
  const kept = fieldsOf(m.subarray(0, end)).filter((f) => names.has(fieldName(f)) !== not)
  return Buffer.concat([...kept, Buffer.from("\r\n", "latin1")])
}

/** `<origin.length>` of `content` (RFC 9051: an origin past the end gives an empty string). */
export const partialOf = (content: Uint8Array, origin: number, length: number): Uint8Array =>
  content.subarray(Math.min(origin, content.length), Math.min(origin + length, content.length))

/** Whether two messages have the same body (a rewrite that changed the header alone). */
export const sameBody = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.subarray(headerEnd(a))).equals(b.subarray(headerEnd(b)))
