/**
 * Evidence from a whitelist of header fields. Only fields a sender controls are read (Subject,
 * From, Reply-To, To/Cc, Received `from` hosts, Content-Type, X-Mailer/User-Agent, Message-ID domain,
 * Date, In-Reply-To/References); everything a filter or list server may add on the way
 * (`X-Spam-*`, `X-Virus-*`, list headers, subject tags) is ignored or stripped, so a model
 * trained on a filtered corpus never learns the filter's verdicts.
 *
 * @category constructors
 * @since 0.1.0
 */
import { BoundedMemo, type Headers, type ReceivedHop } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"
import { isCorpusArtefactHost } from "./Urls.ts"
import { bucket, hasInvisible, words } from "./Words.ts"

export interface HeaderEvidence {
  readonly tokens: ReadonlyArray<string>
  readonly features: ReadonlyArray<string>
}

// Bounded parts: an unbounded local part makes a long header without "@" quadratic.
const ADDRESS = /[^\s<>,;:"()[\]@]{1,64}@[^\s<>,;:"()[\]@]{1,255}/g
/** Tags filters and list servers put in front of a subject; stripped before tokenizing. */
const FILTER_TAGS =
  /^(?:\s*(?:\[[^\]]{0,40}\]|\*{2,}\s*SPAM\s*\*{2,}|\{SPAM\??\}|SPAM:|(?:re|fwd?|aw|sv|wg)\s*(?:\[\d+\])?\s*:))+\s*/i
const IPV4_LITERAL = /^\[?\d{1,3}(?:\.\d{1,3}){3}\]?$/
/**
 * A To field with no address at all: blank, or an empty `"" <>`. Mail programs leave To out or
 * write a group (`undisclosed-recipients:;`, RFC 5322 section 3.4) when every recipient is blind;
 * a bulk tool that fills in the envelope only writes the field and nothing in it.
 */
const EMPTY_ADDRESS = /^["<>\s]*$/
const COMMON_CHARSETS = /^(?:us-ascii|utf-8|iso-8859-\d{1,2}|windows-125\d|cp125\d)$/i
// RFC 2047 encoded word (with an RFC 2231 language after `*`): its charset.
const ENCODED_WORD_CHARSET = /=\?([^?*]{1,40})(?:\*[^?]*)?\?[bq]\?/i

export const domainOf = (address: string): string => {
  const host = address
    .slice(address.lastIndexOf("@") + 1)
    .toLowerCase()
    .replace(/[>.]+$/, "")
  return registrableDomain(host) ?? host.slice(0, 60)
}

/**
 * A local part written as a quoted string (RFC 5322 section 3.4.1: `"Books@Books"@example.com`,
 * `""@example.ch`), which may hold the `@`, blanks and quotes `ADDRESS` stops at; bounded as
 * `ADDRESS` is, and only when `@` follows the closing quote (a quoted display name is followed by
 * `<`).
 */
const QUOTED_LOCAL = /"([^"\\\r\n]{0,64})"@/g
/** A whole address whose local part is quoted (`"a@b"@example.com`), to take out of a display name. */
const QUOTED_LOCAL_ADDRESS = /"[^"\\\r\n]{0,64}"@[^\s<>,;:"()[\]@]{1,255}/g
/** A quoted local part as one unquoted word: the characters `ADDRESS` stops at become `_`. */
const unquoteLocal = (_: string, local: string): string => `${local.replace(/[\s<>,;:"()[\]@]/g, "_") || "_"}@`

/**
 * The addresses written in a header value, in order. A quoted local part is read as a mail program
 * reads it, the address ending at the domain after the quotes (`"Books@Books"@example.com` is at
 * example.com, not `Books@Books`), its characters outside `ADDRESS`'s set written as `_`.
 */
export const addresses = (value: string | undefined): Array<string> => {
  if (!value) return []
  const bounded = value.slice(0, 20_000)
  const read = bounded.includes('"') ? bounded.replace(QUOTED_LOCAL, unquoteLocal) : bounded
  return (read.match(ADDRESS) ?? []).slice(0, 500)
}

/** Share of upper-case letters among letters, and the letter count. */
export const caps = (text: string): { ratio: number; letters: number } => {
  let upper = 0
  let letters = 0
  const n = Math.min(text.length, 50_000)
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    // ASCII fast path; other characters go through the Unicode classes.
    if (c < 0x80) {
      if (c >= 65 && c <= 90) {
        letters++
        upper++
      } else if (c >= 97 && c <= 122) letters++
    } else if (c >= 0xc0) {
      const ch = text[i]!
      if (UPPER.test(ch)) {
        letters++
        upper++
      } else if (LETTER.test(ch)) letters++
    }
  }
  return { ratio: letters === 0 ? 0 : upper / letters, letters }
}

const UPPER = /\p{Lu}/u
const LETTER = /\p{L}/u
const NON_LATIN_LETTER = /[\p{Script=Cyrillic}\p{Script=Greek}]/u
// Built once, not per call or per word: the build writes an expression with `\p{...}` as a
// `new RegExp` call.
const NOT_LETTERS = /[^\p{L}]+/u
const LATIN_LETTER = /\p{Script=Latin}/u

/** True when a word mixes Latin letters with Cyrillic or Greek ones (homoglyph obfuscation). */
export const mixedScripts = (text: string): boolean => {
  const sample = text.slice(0, 50_000)
  if (!NON_LATIN_LETTER.test(sample)) return false
  for (const w of sample.split(NOT_LETTERS)) {
    if (w.length < 3) continue
    if (LATIN_LETTER.test(w) && NON_LATIN_LETTER.test(w)) return true
  }
  return false
}

export const subjectEvidence = (
  raw: string | undefined,
  decoded: string | undefined,
  tokens: Set<string>,
  features: Set<string>
): void => {
  if (raw === undefined) {
    features.add("subject_missing")
    return
  }
  const subject = (decoded ?? raw).slice(0, 1000)
  if (/^\s*(?:\[[^\]]{0,40}\]\s*)*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:/i.test(subject)) tokens.add("subj:is-reply")
  const stripped = subject.replace(FILTER_TAGS, "")
  if (stripped.trim().length === 0) features.add("subject_empty")
  for (const w of words(stripped, { prefix: "subj:", maxWords: 40 })) tokens.add(w)
  const c = caps(stripped)
  if (c.letters >= 8 && c.ratio >= 0.8) features.add("subject_all_caps")
  if (/!{2,}|\?{2,}/.test(stripped)) features.add("subject_exclaim")
  if (/\$\s?\d|\d\s?%|\bfree\b/i.test(stripped)) tokens.add("subj:money")
  if (hasInvisible(stripped)) features.add("subject_invisible")
  if (mixedScripts(stripped)) features.add("subject_mixed_scripts")
  // Only the first encoded word's charset is read: one match, not all of them.
  const charset = ENCODED_WORD_CHARSET.exec(raw)?.[1]?.toLowerCase()
  if (charset !== undefined) {
    tokens.add(`subj:charset:${charset.slice(0, 20)}`)
    // Encoding plain ASCII words hides them from naive filters; MUAs only encode what needs it.
    if (/^[\x20-\x7e]*$/.test(subject)) features.add("subject_encoded_ascii")
    if (!COMMON_CHARSETS.test(charset)) tokens.add("subj:odd-charset")
  } else if (/[^\x00-\x7f]/.test(raw)) tokens.add("subj:raw-8bit")
}

/** `mailer:` and the program's name without versions: its first two words. */
const mailerTokenUncached = (mailer: string): string => {
  const name = mailer
    .toLowerCase()
    .replace(/[\d.]+/g, " ")
    .replace(/[()[\];,/]/g, " ")
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join("_")
  return `mailer:${name.slice(0, 40)}`
}

/**
 * The same few mail programs write most mail, and their names recur verbatim: the token of a
 * recent one is remembered (a short name only, so the memo stays small in bytes).
 */
export const mailerToken = BoundedMemo.make(mailerTokenUncached, {
  maxEntries: 128,
  keep: (mailer) => mailer.length <= 200,
  detach: BoundedMemo.detachText
})

export const analyseHeaders = (headers: Headers, received: ReadonlyArray<ReceivedHop>): HeaderEvidence => {
  const tokens = new Set<string>()
  const features = new Set<string>()
  subjectEvidence(headers.get("subject"), headers.decoded("subject"), tokens, features)

  const fromRaw = headers.get("from")
  const fromAddr = addresses(fromRaw)[0]
  if (fromRaw === undefined || fromAddr === undefined) features.add("from_missing")
  const fromDomain = fromAddr ? domainOf(fromAddr) : undefined
  if (fromDomain && !isCorpusArtefactHost(fromDomain)) tokens.add(`from:dom:${fromDomain}`)
  if (fromAddr && /\d{4,}/.test(fromAddr.slice(0, fromAddr.indexOf("@")))) tokens.add("from:local-digits")
  const display = (headers.decoded("from") ?? "")
    .replace(/<[^>]*>/g, "")
    // An address with a quoted local part is the address, not a display name before it.
    .replace(QUOTED_LOCAL_ADDRESS, "")
    .replace(/"/g, "")
    .trim()
    .slice(0, 200)
  if (display.length === 0 || display === fromAddr) tokens.add("from:no-display")
  else {
    for (const w of words(display, { prefix: "from:name:", maxWords: 8 })) tokens.add(w)
    const shown = addresses(display)[0]
    if (shown && fromDomain && domainOf(shown) !== fromDomain) features.add("from_display_other_address")
  }
  const replyTo = addresses(headers.get("reply-to"))[0]
  if (replyTo && fromDomain && domainOf(replyTo) !== fromDomain) features.add("reply_to_other_domain")

  const rcpts = [...addresses(headers.get("to")), ...addresses(headers.get("cc"))]
  tokens.add(`to:count:${bucket(rcpts.length, [0, 1, 2, 5, 10])}`)
  if (rcpts.length > 10) features.add("to_many")
  if (/undisclosed|recipient list suppressed/i.test(headers.get("to") ?? "")) features.add("to_undisclosed")
  const to = headers.get("to")
  if (to === undefined) tokens.add("to:missing")
  else if (EMPTY_ADDRESS.test(to)) features.add("to_empty")
  if (fromAddr && rcpts.some((r) => r.toLowerCase() === fromAddr.toLowerCase())) tokens.add("to:is-from")

  const mid = headers.get("message-id")
  if (mid === undefined) features.add("message_id_missing")
  else {
    // No token for the shape of the local part: it names the sending software of one source
    // and era, and on the other era of the training mail it turned newsletters into spam.
    const m = /<?([^<>@\s]*)@?([^<>\s]*)>?/.exec(mid.trim())
    const midDomain = m?.[2] ? domainOf(`x@${m[2]}`) : undefined
    if (!midDomain) tokens.add("mid:no-domain")
    else if (fromDomain && midDomain === fromDomain) tokens.add("mid:from-domain")
  }
  // A Date that does not parse is a feature of HeaderAnomalies.
  if (headers.get("date") === undefined) features.add("date_missing")
  if (headers.get("in-reply-to") !== undefined || headers.get("references") !== undefined)
    features.add("has_references")

  const mailer = headers.get("x-mailer") ?? headers.get("user-agent")
  tokens.add(mailer ? mailerToken(mailer) : "mailer:none")

  const ct = (headers.get("content-type") ?? "").toLowerCase()
  const type = /^\s*([a-z0-9.+-]+\/[a-z0-9.+-]+)/.exec(ct)?.[1]
  const charset = /charset\s*=\s*"?([^";\s]{1,30})/.exec(ct)?.[1]
  if (charset) tokens.add(`charset:${charset}`)
  if (headers.get("mime-version") === undefined && type?.startsWith("multipart/")) features.add("mime_version_missing")

  // No hop-count token: the count depends on where a corpus was collected (in the training corpus
  // mail with no Received header at all was ham), while a bot talking straight to the gateway
  // also arrives with none.
  for (const hop of received.slice(0, 10)) {
    for (const name of [hop.helo, hop.rdns]) {
      if (name && IPV4_LITERAL.test(name)) tokens.add("rcvd:helo-ip")
    }
  }
  // Host names only of the origin, the oldest hop: where the message entered mail transport, the
  // sender's side. The hops above it name the way to the reader (the recipient's relays, list
  // servers, in a corpus the collector's machines): learned as tokens, they describe the
  // collection, not the message (docs/classifier.md, round 5).
  const origin = received[received.length - 1]
  for (const name of origin ? [origin.helo, origin.rdns] : []) {
    if (!name || isCorpusArtefactHost(name) || IPV4_LITERAL.test(name)) continue
    const host = name.toLowerCase()
    if (host === "localhost" || host === "unknown") continue
    const reg = registrableDomain(host)
    if (reg && !isCorpusArtefactHost(reg)) tokens.add(`rcvd:dom:${reg}`)
  }
  return { tokens: [...tokens], features: [...features] }
}
