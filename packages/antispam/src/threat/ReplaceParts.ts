/**
 * `onThreat: replace`: rebuilds a message with each dangerous leaf part replaced by a short
 * text/plain notice, leaving every other byte where it was.
 *
 * A part's range `[start, end)` (from the MIME model) excludes the line break before the next
 * delimiter, so swapping the range keeps the boundary structure intact. In the replaced part the
 * `Content-*` header fields are dropped (type, encoding, disposition and file name of the
 * dangerous content) and other fields are kept (a single-part message keeps From, Subject...).
 * The notice body is base64: its alphabet has no `-`, so it can never contain a boundary
 * delimiter of any enclosing multipart (RFC 2046 §5.1.1).
 *
 * @category constructors
 * @since 0.1.0
 */
import { Buffer } from "node:buffer"
import type { MimePart } from "@mailmoat/core"
import * as MimeWalk from "./MimeWalk.ts"

const encoder = new TextEncoder()

/** Offset just past the blank line that ends the header block starting at `start`, and where the header text ends. */
export const headerEnd = (
  bytes: Uint8Array,
  start: number,
  end: number
): { readonly headersEnd: number; readonly bodyStart: number } => {
  // A part that begins with a blank line has no header fields.
  if (bytes[start] === 0x0a) return { headersEnd: start, bodyStart: start + 1 }
  if (bytes[start] === 0x0d && bytes[start + 1] === 0x0a) return { headersEnd: start, bodyStart: start + 2 }
  for (let i = start; i < end; i++) {
    if (bytes[i] !== 0x0a) continue
    if (bytes[i + 1] === 0x0a && i + 1 < end) return { headersEnd: i + 1, bodyStart: i + 2 }
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a && i + 2 < end) return { headersEnd: i + 1, bodyStart: i + 3 }
  }
  return { headersEnd: end, bodyStart: end }
}

const latin1 = (bytes: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return s
}

/** Header fields of a block (folded lines kept with their field), each with its own line ending. */
const fields = (block: string): ReadonlyArray<string> => {
  const lines = block.match(/[^\n]*\n|[^\n]+$/g) ?? []
  const out: Array<string> = []
  for (const line of lines) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && out.length > 0) out[out.length - 1] += line
    else out.push(line)
  }
  return out
}

const base64Lines = (text: string, eol: string): string => {
  const b64 = Buffer.from(text, "utf8").toString("base64")
  const lines: Array<string> = []
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76))
  return lines.join(eol)
}

/** The bytes that replace one part: kept non-Content-* fields, new Content-* fields, blank line, notice. */
const replacement = (bytes: Uint8Array, part: MimePart, notice: string): Uint8Array => {
  const { headersEnd } = headerEnd(bytes, part.start, part.end)
  const headerText = latin1(bytes.subarray(part.start, headersEnd))
  const eol =
    headerText.includes("\r\n") ||
    latin1(bytes.subarray(part.start, Math.min(part.end, part.start + 4096))).includes("\r\n")
      ? "\r\n"
      : "\n"
  const kept = fields(headerText)
    .filter((f) => !/^content-/i.test(f))
    .map((f) => (f.endsWith("\n") ? f : f + eol))
    .join("")
  const head =
    kept +
    `Content-Type: text/plain; charset=utf-8${eol}` +
    `Content-Transfer-Encoding: base64${eol}` +
    `Content-Disposition: inline${eol}` +
    eol
  const keptBytes = Uint8Array.from(head, (c) => c.charCodeAt(0))
  const body = encoder.encode(base64Lines(notice, eol))
  const out = new Uint8Array(keptBytes.length + body.length)
  out.set(keptBytes, 0)
  out.set(body, keptBytes.length)
  return out
}

/**
 * `bytes` with each leaf part listed in `partIndexes` (MimeWalk numbering) replaced by `notice`.
 * Indexes of non-leaf parts, unknown indexes, and parts whose range lies outside `bytes` are
 * ignored (the caller blocks the whole message when it cannot replace what it found).
 * Returns the new bytes and the indexes actually replaced.
 */
export const replaceThreatParts = (
  bytes: Uint8Array,
  mimeRoot: MimePart,
  partIndexes: ReadonlyArray<number>,
  notice: string | ((partIndex: number, part: MimePart) => string)
): { readonly bytes: Uint8Array; readonly replaced: ReadonlyArray<number> } => {
  const wanted = new Set(partIndexes)
  const targets = MimeWalk.leaves(mimeRoot)
    .filter((p) => wanted.has(p.index) && p.part.start >= 0 && p.part.start <= p.part.end && p.part.end <= bytes.length)
    .sort((a, b) => a.part.start - b.part.start)
  // Leaves never overlap in a well-formed tree; skip any that would (a defensive no-op).
  const chosen: Array<MimeWalk.IndexedPart> = []
  for (const t of targets)
    if (chosen.length === 0 || t.part.start >= chosen[chosen.length - 1]!.part.end) chosen.push(t)
  if (chosen.length === 0) return { bytes, replaced: [] }
  const pieces: Array<Uint8Array> = []
  let at = 0
  for (const t of chosen) {
    pieces.push(bytes.subarray(at, t.part.start))
    pieces.push(replacement(bytes, t.part, typeof notice === "string" ? notice : notice(t.index, t.part)))
    at = t.part.end
  }
  pieces.push(bytes.subarray(at))
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of pieces) {
    out.set(p, o)
    o += p.length
  }
  return { bytes: out, replaced: chosen.map((t) => t.index).sort((a, b) => a - b) }
}
