/**
 * Numbered MIME parts of a message (RFC 9051 §6.4.5): `1`, `2.1`, `3.MIME`, `4.HEADER`, `4.TEXT`,
 * `4.HEADER.FIELDS (...)`, and their decoded form for `BINARY[...]` (RFC 3516). The proxy uses it
 * for a part fetch of a message whose body the scan rewrote (a part replaced by a notice), so the
 * client reads the rewritten part, not the server's.
 *
 * - A message that is not multipart has a part 1: its body.
 * - The parts of a `multipart/*` are what lies between its boundary lines (the CRLF before a
 *   boundary line belongs to the boundary, RFC 2046 §5.1.1).
 * - `n.x` of a `message/rfc822` part reads inside the message it carries; `n.1` of any other
 *   part that is not multipart is the part itself (as Dovecot answers).
 *
 * **Gotchas**
 * - A part that does not exist is `undefined` (the caller answers with an empty string).
 * - Nesting is followed at most `MAX_DEPTH` levels.
 * - `BINARY` decodes base64 and quoted-printable; other encodings are the octets as they are.
 *
 * @category models
 * @since 0.1.0
 */
import { headerEnd, sectionOf } from "./MessageSections.ts"

interface Entity {
  /** Where the entity's header starts, its body starts, and it ends. */
  readonly start: number
  readonly body: number
  readonly end: number
}

const MAX_DEPTH = 32
const LF = 0x0a

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1")

/** An entity spanning `m[start, end)`. */
const entityAt = (m: Uint8Array, start: number, end: number): Entity => ({
  start,
  body: start + headerEnd(m.subarray(start, end)),
  end
})

/** The unfolded value of header field `name` of `e` (lower-case), or "". */
const field = (m: Uint8Array, e: Entity, name: string): string => {
  const header = latin1(m.subarray(e.start, e.body)).replace(/\r?\n[ \t]+/g, " ")
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, "im")
  return (re.exec(header)?.[1] ?? "").trim()
}

const contentType = (m: Uint8Array, e: Entity): string =>
  (field(m, e, "Content-Type").split(";")[0] ?? "").trim().toLowerCase()

const boundaryOf = (m: Uint8Array, e: Entity): string | undefined => {
  const b = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(field(m, e, "Content-Type"))
  return b === null ? undefined : (b[1] ?? b[2])
}

/** The parts between `--boundary` lines of a multipart body. */
const multipartChildren = (m: Uint8Array, e: Entity, boundary: string): Array<Entity> => {
  const delimiter = `--${boundary}`
  const children: Array<Entity> = []
  let partStart: number | undefined
  for (let line = e.body; line < e.end; ) {
    const lf = m.indexOf(LF, line)
    const next = lf === -1 || lf >= e.end ? e.end : lf + 1
    const text = latin1(m.subarray(line, next)).replace(/[ \t]*\r?\n$/, "")
    if (text === delimiter || text === `${delimiter}--`) {
      // The line end before a delimiter belongs to it.
      if (partStart !== undefined) {
        const cut = line > partStart && m[line - 1] === LF ? (m[line - 2] === 0x0d ? line - 2 : line - 1) : line
        children.push(entityAt(m, partStart, Math.max(partStart, cut)))
      }
      if (text !== delimiter) return children
      partStart = next
    }
    line = next
  }
  return children
}

/** The numbered parts directly under a message entity (or a multipart part). */
const partsOf = (m: Uint8Array, e: Entity): Array<Entity> => {
  const type = contentType(m, e)
  if (type.startsWith("multipart/")) {
    const boundary = boundaryOf(m, e)
    return boundary === undefined ? [] : multipartChildren(m, e, boundary)
  }
  // Part 1 of a non-multipart message is its body, whose type the message's header gives.
  return [e]
}

/** The message inside a `message/rfc822` part. */
const encapsulated = (m: Uint8Array, e: Entity): Entity => entityAt(m, e.body, e.end)

const resolve = (m: Uint8Array, message: Entity, path: ReadonlyArray<number>, depth: number): Entity | undefined => {
  if (depth > MAX_DEPTH) return undefined
  const part = partsOf(m, message)[path[0]! - 1]
  if (part === undefined || path.length === 1) return part
  // Inside an enclosed message its parts; inside a multipart its parts; a leaf's part 1 is itself.
  const inner = contentType(m, part) === "message/rfc822" ? encapsulated(m, part) : part
  return resolve(m, inner, path.slice(1), depth + 1)
}

const PART = /^((?:[1-9]\d{0,8})(?:\.[1-9]\d{0,8})*)(?:\.(MIME|HEADER|TEXT|HEADER\.FIELDS(?:\.NOT)? \(.*\)))?$/

/** Section `section` (`1.2`, `3.MIME`, `2.HEADER.FIELDS (FROM)`, upper-case) of `m`, or undefined. */
export const partSection = (m: Uint8Array, section: string): Uint8Array | undefined => {
  const s = PART.exec(section)
  if (s === null) return undefined
  const path = s[1]!.split(".").map(Number)
  const part = resolve(m, entityAt(m, 0, m.length), path, 0)
  if (part === undefined) return undefined
  const which = s[2]
  if (which === undefined) return m.subarray(part.body, part.end)
  if (which === "MIME") return m.subarray(part.start, part.body)
  if (contentType(m, part) !== "message/rfc822") return undefined
  return sectionOf(m.subarray(part.body, part.end), which)
}

/** Quoted-printable (RFC 2045 §6.7) to octets: `=XX`, soft line breaks; anything else as it is. */
const fromQuotedPrintable = (b: Uint8Array): Uint8Array => {
  const text = latin1(b).replace(/=\r?\n/g, "")
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1"
  )
}

/** `BINARY[section]` (a numbered part, decoded), or undefined. */
export const binarySection = (m: Uint8Array, section: string): Uint8Array | undefined => {
  if (!/^[1-9][0-9.]*$/.test(section) || section.endsWith(".")) return undefined
  const path = section.split(".").map(Number)
  const part = resolve(m, entityAt(m, 0, m.length), path, 0)
  if (part === undefined) return undefined
  const body = m.subarray(part.body, part.end)
  const encoding = field(m, part, "Content-Transfer-Encoding").toLowerCase()
  if (encoding === "base64") return Buffer.from(latin1(body), "base64")
  if (encoding === "quoted-printable") return fromQuotedPrintable(body)
  return body
}
