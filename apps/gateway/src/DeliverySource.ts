/**
 * The bytes the gateway hands off for one delivery group: our Received header and the action's
 * `X-Mailmoat-*` headers on top, then the client's header block with forged `X-Mailmoat-*`
 * fields and every `Authentication-Results` claiming our authserv-id removed (RFC 8601 §5), the
 * stages' header changes (our `Authentication-Results` among them) and the subject prefix
 * applied, then the body streamed from the spool. The removal happens for every message:
 * scanned, bypassed or quarantined.
 *
 * Stage header changes: `add` puts a field on top of the client's block, `set` removes every
 * field of that name and adds one, `remove` deletes them. Our own fields (`OWN_HEADERS`) and
 * `Received` are never changed by a stage: traces stay trustworthy.
 *
 * A block with nothing to remove or rewrite (the usual case) is streamed as the client sent it,
 * after the stages' added fields; only a block with something to remove or a Subject to prefix is
 * rewritten. Only the header block is rewritten, from the spool's head (the scan view); the body is never
 * held in memory. When the header block does not end inside the head (a header block over the
 * scan view's size), the message is passed through unedited behind our prepended headers (a
 * stage's added fields still go on top; its removals cannot apply).
 *
 * @category constructors
 * @since 0.1.0
 */
import { AuthResults } from "@mailmoat/antispam"
import { type HeaderChange, MessageModel } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { hasFieldNamed, isPlainCrlfBlock } from "./HeaderFieldScan.ts"
import { prefixBytes } from "./TraceHeaders.ts"

/** Header fields only this gateway may write: a copy arriving from outside is removed. */
export const OWN_HEADERS: ReadonlyArray<string> = [
  "X-Mailmoat-Verdict",
  "X-Mailmoat-Score",
  "X-Mailmoat-Probability",
  "X-Mailmoat-Symbols",
  "X-Mailmoat-Rule"
]

/** An incoming `Authentication-Results` that claims our authserv-id (RFC 8601 §5). */
/** The only fields `forgedAuthResults` can remove: no other field's value is unfolded for it. */
const AUTH_RESULTS = new Set(["authentication-results"])
const forgedAuthResults =
  (authservId: string) =>
  (name: string, value: string): boolean =>
    name === "authentication-results" && AuthResults.claims(value, authservId)

export interface DeliveryEdit {
  readonly addHeaders: ReadonlyArray<readonly [string, string]>
  readonly subjectPrefix?: string | undefined
  /** Header changes the stages asked for. */
  readonly changes?: ReadonlyArray<HeaderChange> | undefined
}

const PROTECTED = new Set([...OWN_HEADERS, "Received"].map((n) => n.toLowerCase()))

/** The stages' changes as fields to add and names to remove; protected names are left alone. */
export const stageEdits = (changes: ReadonlyArray<HeaderChange> = []) => {
  const add: Array<readonly [string, string]> = []
  const remove: Array<string> = []
  for (const c of changes) {
    if (PROTECTED.has(c.name.toLowerCase())) continue
    if (c.op !== "add") remove.push(c.name)
    if (c.op !== "remove") add.push([c.name, c.value])
  }
  return { add, remove }
}

async function* skip(stream: AsyncIterable<Uint8Array>, count: number): AsyncGenerator<Uint8Array> {
  let left = count
  for await (const chunk of stream) {
    if (left >= chunk.length) {
      left -= chunk.length
      continue
    }
    yield left > 0 ? chunk.subarray(left) : chunk
    left = 0
  }
}

/** A fresh iterable of the message to hand off, each call; `authservId` is our `smtp.hostname`. */
export const deliverySource = (
  spool: Smtp.Spool,
  received: string,
  edit: DeliveryEdit,
  authservId: string
): (() => AsyncIterable<Uint8Array>) => {
  const stage = stageEdits(edit.changes)
  const end = MessageModel.HeaderEdit.headerBlockEnd(spool.head)
  const block = end === undefined ? undefined : editedBlock(spool.head.subarray(0, end), edit, stage, authservId)
  const prefix = prefixBytes(received, block === undefined ? [...edit.addHeaders, ...stage.add] : edit.addHeaders)
  // A message the head holds whole (most) needs no read of the spool and no skipping: its parts
  // are known now, and the relay client reads them at once (`HeldParts`).
  if (block !== undefined && end !== undefined && spool.complete) {
    const parts = new HeldParts([prefix, ...block, spool.head.subarray(end)])
    return () => parts
  }
  return async function* () {
    yield prefix
    if (block === undefined || end === undefined) {
      yield* spool.stream()
      return
    }
    yield* block
    yield* skip(spool.stream(), end)
  }
}

/**
 * A message's parts held in memory: read one at a time (`for await`, as the quarantine and the
 * Maildir do) or at once as a plain iterable (the relay client: no promise per part). Each read
 * starts from the first part; the parts are never changed.
 */
export class HeldParts implements AsyncIterable<Uint8Array>, Iterable<Uint8Array> {
  constructor(private readonly parts: ReadonlyArray<Uint8Array>) {}

  [Symbol.iterator](): Iterator<Uint8Array> {
    return this.parts[Symbol.iterator]()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield* this.parts
  }
}

const EMPTY = new Uint8Array(0)
/** Names whose fields an edit may remove whatever the stages ask: ours, and `Authentication-Results` when forged. */
const ALWAYS_CHECKED = [...OWN_HEADERS, "Authentication-Results"].map((n) => n.toLowerCase())

/**
 * The client's header block as edited, in one or two parts. When nothing in it is removed or
 * rewritten (no Subject prefix, no field of a removed name: the usual case), the stages' added
 * fields go in front of the block's own bytes, unchanged and not copied; otherwise the whole
 * block is edited. Both give the same bytes (tested).
 */
export const editedBlock = (
  headerBlock: Uint8Array,
  edit: DeliveryEdit,
  stage: ReturnType<typeof stageEdits>,
  authservId: string
): ReadonlyArray<Uint8Array> => {
  const names =
    stage.remove.length === 0 ? ALWAYS_CHECKED : [...ALWAYS_CHECKED, ...stage.remove.map((n) => n.toLowerCase())]
  const untouched =
    (edit.subjectPrefix === undefined || edit.subjectPrefix.trim() === "") &&
    isPlainCrlfBlock(headerBlock) &&
    !hasFieldNamed(headerBlock, names)
  if (untouched)
    return stage.add.length === 0
      ? [headerBlock]
      : [MessageModel.HeaderEdit.editHeaderBlock(EMPTY, { prepend: stage.add }), headerBlock]
  return [
    MessageModel.HeaderEdit.editHeaderBlock(headerBlock, {
      prepend: stage.add,
      subjectPrefix: edit.subjectPrefix,
      remove: [...OWN_HEADERS, ...stage.remove],
      removeIf: forgedAuthResults(authservId),
      removeIfNames: AUTH_RESULTS
    })
  ]
}
