/**
 * `text_letter_head`: a text that opens on a letter head typed into it, an addressee's label
 * (`ATTN: President,`, `Attn.`) or two labelled lines one of which gives the writer's telephone,
 * fax or mailbox (`FROM: MR JOE MARK` then `EMAIL:mrjoemark@...`, `TEL:+225 05775748.` then
 * `ATTN: DIRECTOR.`), and then goes on as a letter of 500 letters or more. A stranger writing on
 * paper's model puts the head a letter carries between firms into the text itself, because nothing
 * else in the mail says who writes, from where and to whom. A person writing mail has the mail
 * program say it in the header fields; the ham that carry labelled lines at the top are a
 * forwarded message's head (`From:`, `Sent:`, `To:`, `Subject:`), a feed's items (`URL:`, `Date:`)
 * and a note that is only a signature's contact block (`Tel:`, `Fax:`, `Mobile:` and nothing
 * after it): a head with a `Subject:`, `Sent:`, `Cc:` line or an "original message" or "forwarded"
 * mark is a forward and does not count, `From:`, `To:` and `Date:` count only beside a contact
 * label, and the letters after the head rule out a contact block alone.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 36 spam of both
 * eras, 18 of them missed by the shipped model on its features alone, 13 of those at 0.6 or more
 * (`bench/classifier-body32-candidates.mjs`, docs/classifier.md round 47).
 *
 * @category constructors
 * @since 0.5.0
 */
import { fewerLetters } from "./TextBlankSpacing.ts"
import { someTrimmedLine } from "./TrimmedLines.ts"

/** The non-blank lines a letter's head is looked for in. */
const HEAD_LINES = 8
/** Letters after the head that make it a letter's: a contact block alone has none. */
const LETTER_LETTERS = 500
/** Characters read of one text: the head and the start of the letter are in them. */
const MAX_CHARS = 20_000
/** Characters of a head line read: a label is at its start. */
const LINE_CHARS = 120

/**
 * A label at a line's start. Groups: 1 the memo labels (count only beside a contact label), 2 a
 * contact label written out (needs `:`), 3 a contact label abbreviated (`:` or `.`), 4 the
 * addressee's label written out (needs `:`), 5 abbreviated; 6 the punctuation. `No` or `No.` may
 * stand between a label and its colon (`Tel No:`).
 */
const LABEL =
  /(?:(from|to|date)|(e-?mail|telephone|phone|mobile|cell)|(tel|fax|ref)|(attention)|(attn))[ \t]*(?:no\.?[ \t]*)?([:.])/iy
/** A forwarded or quoted message's head: its own fields, or the mark a mail program writes above it. */
const FORWARD_FIELD = /(?:subject|sent|cc|newsgroups|message-id)[ \t]*:/iy
const FORWARD_MARK = /original message|forwarded/i

/** What the head's lines hold so far. */
interface Head {
  labels: number
  contact: boolean
  addressee: boolean
}

/** Reads the label at `from` into `head`; false when the line marks a forward (the text is no letter head). */
const readLine = (text: string, from: number, to: number, head: Head): boolean => {
  FORWARD_FIELD.lastIndex = from
  if (FORWARD_FIELD.test(text)) return false
  const line = text.slice(from, Math.min(to, from + LINE_CHARS))
  if (FORWARD_MARK.test(line)) return false
  LABEL.lastIndex = 0
  const m = LABEL.exec(line)
  if (m === null) return true
  const colon = m[6] === ":"
  if (m[1] !== undefined) {
    if (colon) head.labels++
  } else if (m[2] !== undefined) {
    if (colon) {
      head.labels++
      head.contact = true
    }
  } else if (m[3] !== undefined) {
    head.labels++
    head.contact = true
  } else if (m[4] === undefined || colon) head.addressee = true
  return true
}

/** Whether `text` opens on a letter head and goes on as a letter. */
const opensOnLetterHead = (text: string): boolean => {
  const head: Head = { labels: 0, contact: false, addressee: false }
  let lines = 0
  let after = -1
  someTrimmedLine(text, (from, to) => {
    if (lines === HEAD_LINES) {
      after = from
      return true
    }
    lines++
    return readLine(text, from, to, head) ? undefined : false
  })
  if (after < 0 || !(head.addressee || (head.labels >= 2 && head.contact))) return false
  return !fewerLetters(text.slice(after), LETTER_LETTERS)
}

/** Whether one of `texts` (a message's decoded texts) opens on a letter head typed into it and goes on as a letter. */
export const textLetterHead = (texts: ReadonlyArray<unknown>): boolean => {
  for (const t of texts) {
    if (typeof t !== "string") continue
    if (opensOnLetterHead(t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t)) return true
  }
  return false
}
