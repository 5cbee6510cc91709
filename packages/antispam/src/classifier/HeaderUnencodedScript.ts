/**
 * `header_unencoded_script`: the Subject or From holds 8-bit bytes written as they are, with no
 * RFC 2047 encoded word around them, while the body text declares a charset of a non-Latin script
 * (`euc-kr`, `gb2312`, `koi8-r`: BodyScript.ts). A mail program that knows its body's charset
 * writes a header's non-ASCII text as encoded words in it (RFC 2047 section 1; RFC 5322 allows
 * only ASCII in a header): Outlook, Foxmail, Becky and web mail all do. A bulk tool that pastes
 * the Korean or Chinese subject into the header line as bytes does not, and a reader's program
 * shows it only by guessing. It reads the bytes' form, no word.
 *
 * A header in UTF-8 under RFC 6532 (SMTPUTF8) is sent by a program that writes its body in UTF-8
 * as well: a body in UTF-8 declares no script here, so such mail never counts; nor does a Latin
 * body under a Latin-1 subject (old list software and Pine write those, 6 ham of the corpus).
 *
 * Counted on the training corpus and eval/ (all subsets) and the language fixtures
 * (`bench/classifier-script34-candidates.mjs`, docs/classifier.md round 57): 0 ham, 13 spam, all
 * Korean or Chinese; with any body (a Latin one too) 8 ham.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { declaredScripts } from "./BodyScript.ts"

/** Header characters read: a subject or sender longer than this is read in its head. */
const MAX_HEADER = 2000

/** Whether `value` (a header as received) holds a character outside ASCII. */
export const hasRawEightBit = (value: string | undefined): boolean => {
  if (typeof value !== "string") return false
  const n = Math.min(value.length, MAX_HEADER)
  for (let i = 0; i < n; i++) if (value.charCodeAt(i) > 0x7f) return true
  return false
}

/** Whether `message` carries `header_unencoded_script`. Never throws on a parsed message. */
export const headerUnencodedScript = (message: Message): boolean =>
  (hasRawEightBit(message.headers.get("subject")) || hasRawEightBit(message.headers.get("from"))) &&
  declaredScripts(message.mime).length > 0
