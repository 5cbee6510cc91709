/**
 * Whole message -> bounded, deterministic list of distinct tokens, plus the structural features
 * (a subset of the tokens, named `feat:<name>`) that the logistic layer reads.
 *
 * Tokens come from a whitelist of headers (HeaderEvidence), the decoded bodies (Words), raw
 * HTML (Html), URLs (Urls), the MIME shape and attachments. The mbox `From ` line of corpus
 * files never reaches here (Corpus strips it), and no filter-added header is read.
 *
 * Bounds: text and HTML are cut to fixed sizes, the MIME walk to 200 parts, and the result to
 * `MAX_TOKENS` tokens (headers and features first, so a long body cannot crowd them out).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Message, MimePart } from "@mailmoat/core"
import { blankForm } from "./BlankForm.ts"
import { bodyLayoutFeatures } from "./BodyLayout.ts"
import { bulkToolFeatures } from "./BulkTool.ts"
import { charsetConflict } from "./CharsetConflict.ts"
import { contentTypeEmptyParams, fromEmptyComment } from "./HeaderShapes.ts"
import { headerStructureFeatures } from "./HeaderStructure.ts"
import { headerClockFeatures } from "./HeaderClock.ts"
import { headerFingerprintFeatures } from "./HeaderFingerprint.ts"
import { headerMailerFormFeatures } from "./HeaderMailerForms.ts"
import { analyseAnomalies, claimsOutlook } from "./HeaderAnomalies.ts"
import { fieldsOnce } from "./FieldsOnce.ts"
import { analyseHeaders, mixedScripts } from "./HeaderEvidence.ts"
import { analyseHtml, plainTextMarkup } from "./Html.ts"
import { plainTextDocument } from "./TextPlainDocument.ts"
import { mixedSingleText } from "./MimeMixedSingle.ts"
import { linkFeatures } from "./LinkEvidence.ts"
import { linkServerFeatures } from "./LinkServerEvidence.ts"
import { pageFeatures } from "./PageEvidence.ts"
import { documentFeatures } from "./DocumentEvidence.ts"
import { scriptFeatures } from "./ScriptEvidence.ts"
import { htmlPageSaturated } from "./HtmlPageColour.ts"
import { mailerMalformedOutlook } from "./MailerForm.ts"
import { mimeBoundaryForged } from "./MimeBoundaryForged.ts"
import { offerLayoutFeatures } from "./OfferLayout.ts"
import { plainLayoutFeatures } from "./PlainLayout.ts"
import { offerTextFeatures } from "./OfferText.ts"
import { letterTextFeatures } from "./LetterText.ts"
import { textHeaderRelationFeatures } from "./TextHeaderRelation.ts"
import { msmailPriorityForeign } from "./MsMailPriority.ts"
import { analyseObfuscation } from "./Obfuscation.ts"
import { messageIdOutlookPadded } from "./OutlookIdPadding.ts"
import { dynamicOrigin } from "./OriginHop.ts"
import { messageIdForgedOutlook } from "./OutlookMessageId.ts"
import { webMailUnrelayed } from "./ProviderRelay.ts"
import { qpNeedlessEscape } from "./QpNeedlessEscape.ts"
import { qpUnencoded } from "./QpUnencoded.ts"
import { receivedStampMonthFirst } from "./ReceivedStamp.ts"
import { removalFreeMail } from "./RemovalAddress.ts"
import { solicitedFeatures } from "./SolicitedEvidence.ts"
import { subjectPadded } from "./SubjectPadding.ts"
import { splitShown } from "./ShownText.ts"
import { analyseText, STATS_CHARS, textAmount, textStats, type Versions } from "./TextStats.ts"
import { textTrailingJunk } from "./TextTrailingJunk.ts"
import { sortedNames, TokenSet } from "./TokenSet.ts"
import { TOPIC_GATE, TOPIC_TEXT, topicsOf } from "./Topics.ts"
import { togetherFeatures } from "./TraitsTogether.ts"
import { analyseUrls } from "./Urls.ts"
import { addWords, bucket, hasDropped, hasInvisible, type WordText, wordText } from "./Words.ts"

export const MAX_TOKENS = 3000
const MAX_TEXT = 150_000
const MAX_PARTS = 200

/** Prefix of structural feature tokens. */
export const FEATURE_PREFIX = "feat:"

export interface Tokens {
  /** Distinct tokens in a stable order, at most `MAX_TOKENS`. */
  readonly tokens: ReadonlyArray<string>
  /** Structural feature names present (without the prefix), sorted. */
  readonly features: ReadonlyArray<string>
}

/** GTUBE, the generic test for unsolicited bulk e-mail: always spam. */
export const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

const EXECUTABLE = /\.(?:exe|scr|pif|bat|cmd|com|vbs|vbe|js|jse|wsf|wsh|hta|cpl|msi|jar|lnk|ps1)$/i
const DOUBLE_EXT = /\.(?:pdf|doc|docx|xls|xlsx|txt|jpg|jpeg|gif|png|zip|htm|html)\s*\.[a-z0-9]{2,4}$/i

interface MimeShape {
  readonly types: Array<string>
  textPlain: number
  textHtml: number
  images: number
  /** A multipart/alternative with fewer than two parts: nothing to choose between. */
  alternativeSingle: boolean
}

const walk = (root: MimePart): MimeShape => {
  const shape: MimeShape = { types: [], textPlain: 0, textHtml: 0, images: 0, alternativeSingle: false }
  const stack: Array<[MimePart, number]> = [[root, 0]]
  while (stack.length > 0 && shape.types.length < MAX_PARTS) {
    const [part, depth] = stack.pop()!
    const type = typeof part.contentType === "string" ? part.contentType.toLowerCase().slice(0, 60) : "text/plain"
    shape.types.push(type)
    if (type === "text/plain" && !/attachment/i.test(part.disposition ?? "")) shape.textPlain++
    if (type === "text/html") shape.textHtml++
    if (type.startsWith("image/")) shape.images++
    if (type === "multipart/alternative" && (part.children?.length ?? 0) < 2) shape.alternativeSingle = true
    if (depth < 20 && Array.isArray(part.children))
      for (let i = part.children.length - 1; i >= 0; i--) stack.push([part.children[i]!, depth + 1])
  }
  return shape
}

/**
 * The text parts, each followed by a line end, cut at `MAX_TEXT` characters, joined once: adding
 * them one by one built a string per part that the scans below then had to flatten.
 */
export const bodyText = (texts: ReadonlyArray<unknown>): string => {
  const parts: Array<string> = []
  let length = 0
  for (const t of texts) {
    if (length >= MAX_TEXT) break
    const part = String(t).slice(0, MAX_TEXT - length)
    parts.push(part, "\n")
    length += part.length + 1
  }
  return parts.join("")
}

/** The topics' gate as the reader of the text's runs of letters (`bodyEvidence`). */
const TOPIC_RUNS = { window: TOPIC_TEXT, mark: TOPIC_GATE.mark }

/**
 * Less text than this many letters (about 50 words; `textAmount`, so a Chinese, Japanese or Korean
 * text of about 100 characters): little to read beside a picture link. Newsletters and receipts
 * also link a picture (their logo) but carry their news or order in text.
 */
const LITTLE_TEXT = 300

/**
 * The body's tokens in their order: `tokens` (statistics, signature, size), then the words of
 * `text` (left to the caller, which adds them straight into its set), then `attachments`.
 */
interface BodyTokens {
  readonly tokens: Array<string>
  readonly text: string
  /** `text` holds no character the word scan drops (`hasDropped`). */
  readonly noneDropped: boolean
  /** What the word scan reads of `text` (`Words.wordText`), made once. */
  readonly read: WordText
  readonly attachments: Array<string>
}

const bodyEvidence = (
  message: Message,
  features: Set<string>,
  html: { readonly images: number; readonly imageLinks: number }
): BodyTokens => {
  const tokens: Array<string> = []
  const shape = walk(message.mime)
  // The MIME shape is a feature (html_only), not a token: like plain HTML tags, MIME types were
  // an era marker in the training corpus and cost false positives on HTML newsletters.
  if (shape.textHtml > 0 && shape.textPlain === 0) {
    features.add("html_only")
    // Outlook and Outlook Express always send HTML with a plain-text alternative; HTML alone
    // under their name is a bulk tool wearing it.
    if (claimsOutlook(message.headers)) features.add("mailer_forged_outlook_html")
    // People write from their own lines with mail programs, which send a plain-text version
    // (or only text); HTML alone from a customer's line of an access provider is a bulk tool on
    // a home machine. Legitimate HTML-only mail (newsletters) leaves from its sender's servers.
    if (dynamicOrigin(message.received)) features.add("dynamic_origin_html_only")
  }

  // RFC 2046 section 5.1.4: the parts of an alternative are versions of one content for the
  // reader's program to choose from; mail programs write two or more. One (or none) is a
  // template that kept the wrapper after dropping the plain-text version.
  if (shape.alternativeSingle) features.add("mime_alternative_single")
  if (mixedSingleText(message.mime)) features.add("mime_mixed_single")
  if (message.headers.get("mime-version") !== undefined && message.headers.get("content-type") === undefined)
    features.add("mime_content_type_missing")

  const text = bodyText(message.body.texts)
  // Counts over the text describe it once: an alternative's versions are one text (`ShownText`).
  const split = splitShown(message.mime, message.body.texts)
  const counted = split === undefined ? text : bodyText(split.shown)
  // The text's pass for its statistics also marks its words for the topics' gate (`topicsOf`),
  // which reads every version: the versions not counted are marked further on (below). The
  // marks are a set, so marked in two pieces they are the text's, but for a text past the topics'
  // window, whose last run the window cuts: then the gate reads the text itself.
  TOPIC_GATE.clear()
  const stats = textStats(counted, TOPIC_RUNS)
  const marked = split === undefined || text.length <= TOPIC_TEXT
  if (shape.textHtml === 0 && shape.textPlain > 0 && plainTextMarkup(text)) features.add("text_plain_markup")
  // Round 60: a page where the text goes, found by its document tags where the layout tags are too few.
  else if (plainTextDocument(message.mime, message.body.texts)) features.add("text_plain_html_document")
  const images = html.images + shape.images
  // A short text is not evidence: replies ("ok, thanks"), "see attached" and an admin's first
  // test message are ham; only pictures standing in for text are (image_only below).
  // Pictures with next to no words: the image-spam trick. Receipts and invitations carry a
  // logo and a few sentences, so the text limit stays low.
  if (images > 0 && stats.letters < 100) features.add("image_only")
  // A picture to click and little else to read: the offer is in the image, where no word of it
  // can be read by a filter (docs/classifier.md, round 14: 1 ham of 4,150, 59 spam of both eras).
  // Counted by what the text says, not its characters: 250 Chinese characters are a newsletter's
  // news, not a line (round 42).
  if (html.imageLinks > 0 && textAmount(stats) < LITTLE_TEXT) features.add("image_link_little_text")
  if (stats.letters >= 200 && stats.upper * 2 >= stats.letters) features.add("body_caps")
  const texts = message.body.texts
  const alternative =
    shape.textPlain === 1 && shape.textHtml === 1 && texts.length === 2
      ? ([String(texts[0]), String(texts[1])] as const)
      : undefined
  // One scan for the characters the word scan drops, of which the invisible ones are a part:
  // most texts have none, and then neither look needs its own.
  const dropped = hasDropped(text)
  // What the word scan reads, lower-cased once: the versions' words are read there too.
  const read = wordText(text, { maxChars: MAX_TEXT, noneDropped: !dropped })
  const inRead = versionsIn(read, alternative, dropped)
  // The version not shown, when it is the plain one, is marked for the topics' gate as its words
  // are read for text_html_mismatch: one read of it instead of two.
  const plainHidden = split !== undefined && marked && split.hidden.length === 1 && split.hidden[0] === alternative?.[0]
  const versions = plainHidden && inRead !== undefined ? { ...inRead, hidden: TOPIC_GATE } : inRead
  const textEvidence = analyseText(counted, alternative, stats, versions)
  if (split !== undefined && marked && !textEvidence.hiddenMarked)
    for (const hidden of split.hidden) TOPIC_GATE.scan(hidden)
  for (const f of textEvidence.features) features.add(f)
  for (const t of textEvidence.tokens) tokens.push(t)
  const subject = message.headers.decoded("subject") ?? ""
  for (const f of analyseObfuscation(subject, counted)) features.add(f)
  if (dropped && hasInvisible(text)) features.add("body_invisible")
  if (mixedScripts(text)) features.add("body_mixed_scripts")
  // A run of three marks needs three: `textStats` counted them, in all of the text when it read
  // all of it. Most mail has fewer, and then the expression need not read the text.
  if ((stats.exclaims >= 3 || counted.length > STATS_CHARS) && atLeast(counted, EXCLAIM_RUN, 3))
    features.add("body_exclaim")
  if (blankForm(text)) features.add("text_blank_form")
  if (removalFreeMail([text], message.body.htmls, message.headers.get("from"))) features.add("removal_free_mail")
  for (const topic of topicsOf(subject, text, marked)) features.add(topic)
  // A native search for the mark first: a multi-line `^` is tried at every character. Every
  // version is read: quoting is written as `>` in the plain one, and the HTML's text of a
  // blockquote has no marks, so the version shown (`counted`) would lose an HTML reply's quotes.
  if (text.includes(">") && atLeast(text, QUOTED_LINE, 2)) features.add("quoted_reply")
  if (/\n-- ?\n/.test(text)) tokens.push("body:signature")
  if (text.includes(GTUBE)) tokens.push("body:gtube")
  tokens.push(`body:letters:${bucket(stats.letters, [0, 100, 500, 2000, 10000])}`)
  // Words are split on white space and short: they never need `clean`, unlike the rest.
  for (let i = 0; i < tokens.length; i++) tokens[i] = clean(tokens[i]!)

  const attachmentTokens: Array<string> = []
  let attachments = 0
  for (const a of message.body.attachments) {
    if (++attachments > 50) break
    const type = String(a.contentType ?? "")
      .toLowerCase()
      .slice(0, 60)
    attachmentTokens.push(clean(`att:type:${type}`))
    const name = String(a.filename ?? "")
      .toLowerCase()
      .slice(0, 200)
    const ext = /\.([a-z0-9]{1,6})$/.exec(name)?.[1]
    if (ext) attachmentTokens.push(`att:ext:${ext}`) // [a-z0-9] only
    if (EXECUTABLE.test(name)) features.add("attachment_executable")
    if (DOUBLE_EXT.test(name)) features.add("attachment_double_extension")
  }
  return { tokens, text, noneDropped: !dropped, read, attachments: attachmentTokens }
}

/**
 * The versions of `alternative` (a message's two texts) as pieces of `read`, the word scan's text
 * of the body (`bodyText` of those two texts): when the body is not cut, the scan drops nothing
 * and the text is ASCII, it is the first version, a line end, the second and a line end,
 * lower-cased character by character. Exported for its tests.
 */
export const versionsIn = (
  read: WordText,
  alternative: readonly [string, string] | undefined,
  dropped: boolean
): Versions | undefined =>
  alternative === undefined ||
  dropped ||
  read.bytes === undefined ||
  alternative[0].length + alternative[1].length + 2 > MAX_TEXT
    ? undefined
    : { read, starts: [0, alternative[0].length + 1] }

/** Tokenizes a message. Never throws on any `Message` value the parser can produce. */
export const tokenize = (message: Message): Tokens => {
  const set = collect(message)
  const tokens = { tokens: set.toArray(), features: set.features }
  set.release()
  return tokens
}

/** The tokenizer's one set, emptied for each message (`collect`). */
const distinct = new TokenSet()

/**
 * `tokenize`'s tokens and features in a set that makes no string for the body's words: the set
 * is the tokenizer's own, emptied by the next call, so read it (score it) before tokenizing again.
 */
export const collect = (parsed: Message): TokenSet => {
  // Each trait below reads the header fields it needs: one lookup per name, not one per trait.
  const message = fieldsOnce(parsed)
  const head: Array<string> = []
  const features = new Set<string>()
  const headers = analyseHeaders(message.headers, message.received ?? [])
  head.push(...headers.tokens)
  for (const f of headers.features) features.add(f)
  for (const f of analyseAnomalies(message.headers, message.received ?? [], message.envelope?.mailFrom || undefined))
    features.add(f)
  if (webMailUnrelayed(message.headers, message.received ?? [])) features.add("web_mail_unrelayed")
  if (message.scanView instanceof Uint8Array && subjectPadded(message.scanView)) features.add("subject_padding")
  if (receivedStampMonthFirst(message.received ?? [])) features.add("received_stamp_month_first")
  if (charsetConflict(message.headers.get("subject"), message.mime)) features.add("charset_conflict")
  if (mailerMalformedOutlook(message.headers.get("x-mailer"))) features.add("mailer_malformed_outlook")
  if (messageIdForgedOutlook(message.headers.get("message-id"), message.headers.get("date"), message.received ?? []))
    features.add("message_id_forged_outlook")
  if (textTrailingJunk(message.body.texts)) features.add("text_trailing_junk")
  if (message.scanView instanceof Uint8Array && qpNeedlessEscape(message.mime, message.scanView))
    features.add("mime_qp_needless_escape")
  if (message.scanView instanceof Uint8Array && qpUnencoded(message.mime, message.scanView))
    features.add("mime_qp_unencoded")
  if (mimeBoundaryForged(message.mime, message.headers.get("date"), message.received ?? []))
    features.add("mime_boundary_forged")
  if (htmlPageSaturated(message.body.htmls)) features.add("html_page_saturated")
  const h = message.headers
  if (msmailPriorityForeign(h.get("x-msmail-priority"), h.get("x-mailer"), h.get("user-agent")))
    features.add("msmail_priority_foreign")
  if (messageIdOutlookPadded(h.get("message-id"))) features.add("message_id_outlook_padded")
  if (contentTypeEmptyParams(h.get("content-type"))) features.add("content_type_empty_params")
  if (fromEmptyComment(h.get("from"))) features.add("from_empty_comment")
  for (const f of headerStructureFeatures(message)) features.add(f)
  for (const f of headerFingerprintFeatures(message)) features.add(f)
  for (const f of headerClockFeatures(message)) features.add(f)
  for (const f of headerMailerFormFeatures(message)) features.add(f)
  for (const f of bodyLayoutFeatures(message)) features.add(f)
  for (const f of offerLayoutFeatures(message)) features.add(f)
  for (const f of offerTextFeatures(message)) features.add(f)
  for (const f of letterTextFeatures(message)) features.add(f)
  for (const f of bulkToolFeatures(message)) features.add(f)
  for (const f of solicitedFeatures(message)) features.add(f)
  for (const f of linkFeatures(message)) features.add(f)
  // url_ip_literal is `hasIpLink` of the same links: url_ip_one_site reads it, not the links again.
  const urls = analyseUrls(message.body.urls, message.body.hosts)
  for (const f of linkServerFeatures(message, urls.features.includes("url_ip_literal"))) features.add(f)
  for (const f of pageFeatures(message)) features.add(f)
  for (const f of documentFeatures(message)) features.add(f)
  for (const f of scriptFeatures(message)) features.add(f)
  for (const f of textHeaderRelationFeatures(message)) features.add(f)
  for (const f of plainLayoutFeatures(message)) features.add(f)
  const html = analyseHtml(message.body.htmls)
  head.push(...html.tokens)
  for (const f of html.features) features.add(f)
  head.push(...urls.tokens)
  for (const f of urls.features) features.add(f)
  const body = bodyEvidence(message, features, html)
  // Last: the combinations read the names every trait above has given (round 56).
  for (const f of togetherFeatures(features)) features.add(f)
  const sorted = sortedNames(features)
  const out = distinct
  out.clear()
  out.features = sorted
  for (const f of sorted) out.add(FEATURE_PREFIX + f)
  for (const t of head) if (out.size < MAX_TOKENS) out.add(clean(t))
  addAll(out, body.tokens)
  addWords(body.text, out, MAX_TOKENS, {
    maxChars: MAX_TEXT,
    maxWords: MAX_TOKENS,
    noneDropped: body.noneDropped,
    read: body.read
  })
  addAll(out, body.attachments)
  return out
}

/** Adds `tokens` in order while `out` holds fewer than `MAX_TOKENS`. */
const addAll = (out: TokenSet, tokens: ReadonlyArray<string>): void => {
  for (const t of tokens) {
    if (out.size >= MAX_TOKENS) return
    out.add(t)
  }
}

const EXCLAIM_RUN = /!{3,}/g
const QUOTED_LINE = /^>/gm

/** Whether the global expression `re` matches `text` at least `n` times; stops there, builds no array. */
const atLeast = (text: string, re: RegExp, n: number): boolean => {
  re.lastIndex = 0
  let found = 0
  while (found < n && re.exec(text) !== null) found++
  re.lastIndex = 0
  return found >= n
}

// The model file is line and tab separated: tokens never carry either. Exported for its tests.
const SEPARATORS = /[\t\r\n]/g
export const clean = (t: string): string =>
  t.length > 120 || hasSeparator(t) ? t.replace(SEPARATORS, " ").slice(0, 120) : t

/** Whether `t` holds a tab, CR or LF: a char-code loop, not a regular expression call per token. */
const hasSeparator = (t: string): boolean => {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c === 9 || c === 10 || c === 13) return true
  }
  return false
}
