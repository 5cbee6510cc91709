/**
 * `attachments` (data): every attachment's file name, and the names inside ZIP attachments,
 * against `antispam.attachments.blockedExtensions` (`options.ts`). A blocked name is
 * `ATTACHMENT_BLOCKED` / `ATTACHMENT_BLOCKED_IN_ARCHIVE` (weight 10: spam at the default
 * cut-off, so the message gets the configured spam action), a name that hides its extension
 * `ATTACHMENT_NAME_DISGUISED`, an encrypted archive `ATTACHMENT_ARCHIVE_ENCRYPTED`.
 *
 * **Gotchas**
 * - Only what the scan view holds is read (`antispam.maxScanSizeKB`): an archive cut short is
 *   read as far as its local headers go (`ZipNames.ts`).
 * - A part counts as an attachment when it has a file name (Content-Disposition `filename`, or
 *   Content-Type `name`; an empty one does not hide the other), whatever its disposition: clients offer inline named parts to open too.
 *   When it has both and they differ, both are judged (clients differ in which they save under).
 * - Answers at once (a finished effect): it reads the parsed message only.
 *
 * @category stages
 * @since 0.1.0
 */
import {
  EMPTY_LIST,
  type MimePart,
  type Stage,
  StageAnswers,
  type StageInput,
  type StageResult,
  type SymbolHit
} from "@mailmoat/core"
import { define } from "../stages/Builtin.ts"
import type { StageContext } from "../stages/StageContext.ts"
import { hit } from "../Symbols.ts"
import { readName } from "./FileNames.ts"
import { options } from "./options.ts"
import { AttachmentSymbols } from "./symbols.ts"
import { looksLikeZip, zipListing } from "./ZipNames.ts"

const NOTHING: StageResult = { symbols: EMPTY_LIST }
const SOURCE = "attachments"
const ZIP_TYPES = new Set(["application/zip", "application/x-zip-compressed", "application/x-zip"])
/** Named parts looked at per message (a message of thousands of parts is not read to its end). */
const MAX_PARTS = 500

export interface AttachmentPolicy {
  /** Lower-case extensions without the dot. */
  readonly blocked: ReadonlySet<string>
  readonly archives: boolean
}

/**
 * The names a part may be saved under: its `filename` (Content-Disposition's, else Content-Type's)
 * and Content-Type's `name` when it differs, since clients differ in which one they take; empty
 * names dropped, so `filename=""` beside a `name` still leaves that name judged. Both were read
 * and decoded when the message was parsed. Empty for a part without a name.
 */
const namesOf = (part: MimePart): ReadonlyArray<string> => {
  const file = part.filename !== undefined && part.filename !== "" ? part.filename : undefined
  const type = part.typeName !== undefined && part.typeName !== "" ? part.typeName : undefined
  if (file === undefined) return type === undefined ? [] : [type]
  return type === undefined || type === file ? [file] : [file, type]
}

/** Parts with a name, and their names, in document order. */
const named = (root: MimePart): ReadonlyArray<readonly [MimePart, ReadonlyArray<string>]> => {
  const out: Array<readonly [MimePart, ReadonlyArray<string>]> = []
  const stack: Array<MimePart> = [root]
  while (stack.length > 0 && out.length < MAX_PARTS) {
    const part = stack.pop()!
    const names = namesOf(part)
    if (names.length > 0) out.push([part, names])
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]!)
  }
  return out
}

/** The symbols for a message's MIME tree (empty for mail without named parts). */
export const judge = (root: MimePart, policy: AttachmentPolicy): ReadonlyArray<SymbolHit> => {
  const blocked: Array<string> = []
  const inArchive: Array<string> = []
  const disguised: Array<string> = []
  const encrypted: Array<string> = []
  for (const [part, names] of named(root)) {
    let zip = ZIP_TYPES.has(part.contentType)
    for (const filename of names) {
      const name = readName(filename)
      if (name.disguised) disguised.push(filename)
      if (policy.blocked.has(name.extension)) blocked.push(filename)
      zip ||= name.extension === "zip"
    }
    if (!policy.archives || !zip) continue
    if (!looksLikeZip(part.body)) continue
    const listing = zipListing(part.body)
    if (listing.encrypted) encrypted.push(names[0]!)
    for (const inner of listing.names) {
      const reading = readName(inner)
      if (policy.blocked.has(reading.extension) || reading.disguised) inArchive.push(`${names[0]}: ${inner}`)
    }
  }
  const hits: Array<SymbolHit> = []
  const list = (names: ReadonlyArray<string>) =>
    names
      .slice(0, 5)
      .map((n) => JSON.stringify(n))
      .join(", ")
  if (blocked.length > 0) hits.push(hit(AttachmentSymbols, "ATTACHMENT_BLOCKED", SOURCE, list(blocked)))
  if (inArchive.length > 0) hits.push(hit(AttachmentSymbols, "ATTACHMENT_BLOCKED_IN_ARCHIVE", SOURCE, list(inArchive)))
  if (disguised.length > 0) hits.push(hit(AttachmentSymbols, "ATTACHMENT_NAME_DISGUISED", SOURCE, list(disguised)))
  if (encrypted.length > 0) hits.push(hit(AttachmentSymbols, "ATTACHMENT_ARCHIVE_ENCRYPTED", SOURCE, list(encrypted)))
  return hits
}

export const policyOf = (settings: StageContext["settings"]["attachments"]): AttachmentPolicy => ({
  blocked: new Set(settings.blockedExtensions.map((e) => e.replace(/^\./, "").toLowerCase())),
  archives: settings.archives
})

/** None when `antispam.attachments.enabled` is false. */
export const fromContext = (ctx: StageContext): Stage | undefined => {
  if (!ctx.settings.attachments.enabled) return undefined
  const policy = policyOf(ctx.settings.attachments)
  const answer = (input: StageInput): StageResult => {
    if (input.phase !== "data") return NOTHING
    const symbols = judge(input.message.mime, policy)
    return symbols.length === 0 ? NOTHING : { symbols }
  }
  return {
    name: "attachments",
    phase: "data",
    order: 1,
    budgetMillis: 1000,
    inline: true,
    symbols: AttachmentSymbols,
    answer,
    run: StageAnswers.runOf(answer)
  }
}

/** The folder's entry in the stage sets: the SMTP gateway and the download proxies alike. */
export const builtin = define({ options, server: [fromContext], client: [fromContext] })
