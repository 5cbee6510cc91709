/**
 * `subject_ad_marker`: the Subject opens with the label Korean, Japanese and Chinese rules ask of
 * unsolicited advertising by mail: `(광고)` or `[광고]` (Korea, also spaced or dashed, `(광---고)`),
 * `未承諾広告※` (Japan), `(广告)` or `【廣告】` (China and Taiwan, bracketed). The sender declares
 * its message an advertisement nobody asked for, in a form fixed by rule, the same over every
 * offer: it says what the message is, not what it sells, so it is read as form rather than as a
 * word the table should measure. The table could not measure it anyway in mail of a language the
 * training did not measure (its tokens are set aside, round 45), nor in a subject sent as raw
 * bytes (`header_unencoded_script`), which the tokenizer reads as Latin-1.
 *
 * A newsletter its reader subscribed to needs no such label, and a person never writes one. Only a
 * label at the subject's head counts (after white space): a reply or forward (`Re: (광고)…`) is
 * a person's. The English `ADV:` some American states asked for is left to the words: English is
 * the language the table measures, and its token is in the table.
 *
 * The subject is read as a reader's program shows it: encoded words decoded, raw 8-bit bytes read
 * in the charset a text part of the body declares (a Korean subject sent as EUC-KR bytes).
 *
 * Counted on the training corpus and eval/ (all subsets) and the language fixtures
 * (`bench/classifier-script34-candidates.mjs`, docs/classifier.md round 57): 0 ham, 9 spam
 * (six Korean, three copies of one Japanese).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { attached, leafParts } from "./CharsetConflict.ts"

/** The label at the subject's head: Korean with any run of spaces or dashes inside, bracketed Chinese, Japanese. */
const AD_MARKER = /^\s*(?:[([（【〔]\s*(?:광[\s\-_.·*~]{0,6}고|[广廣]\s?告)\s*[)\]）】〕]|未承諾広告)/u
/** Subject characters read. */
const MAX_SUBJECT = 300

/** Whether `subject` (as a reader sees it) opens with the label. */
export const hasAdMarker = (subject: string | undefined): boolean =>
  typeof subject === "string" && AD_MARKER.test(subject.slice(0, MAX_SUBJECT))

/** The raw header's bytes when it is 8-bit text read as Latin-1 (every character below 256), else undefined. */
const latin1Bytes = (value: string): Uint8Array | undefined => {
  const n = Math.min(value.length, MAX_SUBJECT)
  const out = new Uint8Array(n)
  let high = false
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i)
    if (c > 0xff) return undefined
    if (c > 0x7f) high = true
    out[i] = c
  }
  return high ? out : undefined
}

/** The charsets the body's text parts declare, in part order, each once. */
const bodyCharsets = (message: Message): ReadonlyArray<string> => {
  const mime = message.mime
  if (mime === undefined || mime === null) return []
  const out: Array<string> = []
  for (const part of leafParts(mime)) {
    const type = typeof part.contentType === "string" ? part.contentType.toLowerCase() : ""
    const cs = part.charset
    if (type.startsWith("text/") && !attached(part) && typeof cs === "string" && cs.length <= 40 && !out.includes(cs))
      out.push(cs)
  }
  return out
}

/** `bytes` read in `charset`, or undefined when the runtime does not know the label. */
const readAs = (bytes: Uint8Array, charset: string): string | undefined => {
  try {
    return new TextDecoder(charset).decode(bytes)
  } catch {
    return undefined
  }
}

/** Whether `message` carries `subject_ad_marker`. Never throws on a parsed message. */
export const subjectAdMarker = (message: Message): boolean => {
  const raw = message.headers.get("subject")
  if (typeof raw !== "string") return false
  if (hasAdMarker(message.headers.decoded("subject"))) return true
  const bytes = latin1Bytes(raw)
  if (bytes === undefined) return false
  return bodyCharsets(message).some((cs) => hasAdMarker(readAs(bytes, cs)))
}
