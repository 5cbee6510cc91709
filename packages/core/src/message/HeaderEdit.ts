/**
 * Editing a header block for the tag action (SMTP gateway) and the IMAP/POP3 proxies, which
 * then stream the body unchanged after the edited block.
 *
 * Only the fields that are touched change: every other byte of the block (folding, 8-bit
 * text, odd spacing) is kept, and the line-end style of the input (CRLF or bare LF) is used
 * for new lines. Prepended values are neutralised (CR, LF, NUL become spaces), non-ASCII values
 * become RFC 2047 words, and long values are folded at 78 columns, so a value can never add a
 * header line. A continuation line before the first field (which the parser ignores) is
 * dropped, so it cannot glue itself onto a prepended field.
 *
 * @category models
 * @since 0.1.0
 */
import { fromBinary, toBinary } from "./Binary.ts"
import { fold, isFieldName, neutralise } from "./Fold.ts"
import { blockEnd, nameEnd } from "./HeaderBlock.ts"
import * as Rfc2047 from "./Rfc2047.ts"

export interface HeaderBlockEdit {
  /** Fields to add at the top, in this order (e.g. our Received, X-Mailmoat-*). */
  readonly prepend?: ReadonlyArray<readonly [string, string]> | undefined
  /** Text put in front of the Subject (added as a Subject when there is none), at most once. */
  readonly subjectPrefix?: string | undefined
  /** Field names to remove, case-insensitive (e.g. forged incoming X-Mailmoat-*). */
  readonly remove?: ReadonlyArray<string> | undefined
  /**
   * Removes every field for which this returns true, given the lower-cased name and the
   * unfolded value (e.g. an incoming Authentication-Results that claims our authserv-id).
   */
  readonly removeIf?: ((name: string, value: string) => boolean) | undefined
  /**
   * When given, `removeIf` is asked only about fields of these lower-cased names: the others are
   * kept without their value being unfolded (a string per field of every edited block otherwise).
   */
  readonly removeIfNames?: ReadonlySet<string> | undefined
}

/** Offset just after the blank line that ends the header block; undefined when not (yet) seen. */
export const headerBlockEnd = (bytes: Uint8Array): number | undefined => blockEnd(bytes)

interface Field {
  /** Lower-cased name; undefined for a line the parser ignores. */
  readonly key: string | undefined
  /** Raw lines including their line ends. */
  text: string
}

const isWsp = (c: number): boolean => c === 0x20 || c === 0x09

/** Splits a block into raw fields and the tail (the blank line and anything after it). */
const split = (s: string): { fields: Array<Field>; tail: string } => {
  const fields: Array<Field> = []
  let pos = 0
  while (pos < s.length) {
    const nl = s.indexOf("\n", pos)
    const next = nl < 0 ? s.length : nl + 1
    const line = s.slice(pos, next)
    if (line === "\n" || line === "\r\n") return { fields, tail: s.slice(pos) }
    if (isWsp(line.charCodeAt(0))) {
      const last = fields[fields.length - 1]
      if (last) last.text += line
      // else: a continuation of nothing, dropped (see module doc)
    } else {
      const colon = nameEnd(line)
      fields.push({ key: colon < 0 ? undefined : line.slice(0, colon).trimEnd().toLowerCase(), text: line })
    }
    pos = next
  }
  return { fields, tail: "" }
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false
  return true
}

const fieldValue = (field: Field): string => {
  const colon = field.text.indexOf(":")
  return field.text
    .slice(colon + 1)
    .replace(/\r?\n/g, "")
    .trim()
}

const startsWithEncodedWord = (rawValue: string): boolean => /^=\?[^?\s]+\?[bBqQ]\?/.test(rawValue)

/** Rewrites one Subject field (raw text) with the prefix, keeping the original value's bytes. */
const prefixSubject = (field: Field, prefix: string, eol: string): void => {
  const colon = field.text.indexOf(":")
  let i = colon + 1
  while (i < field.text.length && isWsp(field.text.charCodeAt(i))) i++
  const rest = field.text.slice(i)
  // Whitespace between two encoded-words disappears when decoded, so an encoded prefix in front
  // of an encoded value carries its own trailing space.
  const encoded = isAscii(prefix) ? prefix : Rfc2047.encode(startsWithEncodedWord(rest) ? `${prefix} ` : prefix)
  const head = fold(field.text.slice(0, colon), encoded, eol)
  field.text =
    rest.startsWith("\r\n") || rest.startsWith("\n") || rest === "" ? `${head}${rest || eol}` : `${head} ${rest}`
}

/**
 * Applies removals, the Subject prefix and prepended fields to a header block (as delimited by
 * `headerBlockEnd`, blank line included). Throws a RangeError for a field name to prepend that
 * is not a valid RFC 5322 field name (a programming error, not an input error).
 */
export const editHeaderBlock = (headerBlock: Uint8Array, edit: HeaderBlockEdit): Uint8Array => {
  for (const [name] of edit.prepend ?? [])
    if (!isFieldName(name)) throw new RangeError(`invalid header field name: ${JSON.stringify(name)}`)
  const s = toBinary(headerBlock)
  const firstLf = s.indexOf("\n")
  const eol = firstLf > 0 && s.charCodeAt(firstLf - 1) === 0x0d ? "\r\n" : firstLf >= 0 ? "\n" : "\r\n"
  const { fields: all, tail } = split(s)
  const remove = new Set((edit.remove ?? []).map((n) => n.toLowerCase()))
  const removeIf = edit.removeIf
  const asked = edit.removeIfNames
  const kept = (f: Field): boolean =>
    f.key === undefined ||
    (!remove.has(f.key) &&
      !(removeIf !== undefined && (asked === undefined || asked.has(f.key)) && removeIf(f.key, fieldValue(f))))
  const fields = remove.size === 0 && removeIf === undefined ? all : all.filter(kept)

  const prefix = neutralise(edit.subjectPrefix ?? "").trim()
  if (prefix !== "") {
    const subject = fields.find((f) => f.key === "subject")
    if (!subject) {
      const last = fields[fields.length - 1]
      if (last && !last.text.endsWith("\n")) last.text += eol
      fields.push({
        key: "subject",
        text: `${fold("Subject", isAscii(prefix) ? prefix : Rfc2047.encode(prefix), eol)}${eol}`
      })
    } else if (!Rfc2047.decode(fieldValue(subject)).trimStart().startsWith(prefix)) {
      prefixSubject(subject, prefix, eol)
    }
  }

  let head = ""
  for (const [name, value] of edit.prepend ?? []) {
    const v = neutralise(value)
    head += `${fold(name, isAscii(v) ? v : Rfc2047.encode(v), eol)}${eol}`
  }
  let body = ""
  for (const f of fields) body += f.text
  return fromBinary(head + body + tail)
}
