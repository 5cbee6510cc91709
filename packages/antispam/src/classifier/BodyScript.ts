/**
 * The scripts a message's body text declares it is written in: the charset of each text part
 * (not a file attached as text) read by `charsetScript` (CharsetConflict.ts), other than Latin.
 * Round 57's traits (docs/classifier.md) ask it: the headers of a message whose body declares a
 * Korean, Chinese, Japanese or Cyrillic charset are read against that declaration.
 *
 * UTF-8, UTF-16 and names the table does not know declare no script: a body in one of them says
 * nothing about the script its headers should be written in.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"
import { attached, charsetScript, leafParts } from "./CharsetConflict.ts"

/** The non-Latin scripts the text parts of `mime` declare (by their MIME charset), in part order. */
export const declaredScripts = (mime: MimePart | undefined): ReadonlyArray<string> => {
  if (mime === undefined || mime === null) return []
  const out: Array<string> = []
  for (const part of leafParts(mime)) {
    const type = typeof part.contentType === "string" ? part.contentType.toLowerCase() : ""
    if (!type.startsWith("text/") || attached(part)) continue
    const script = charsetScript(part.charset)
    if (script !== undefined && script !== "latin" && !out.includes(script)) out.push(script)
  }
  return out
}
