/**
 * The bytes the gateway hands off for one delivery group: our Received header and the action's
 * headers (`Authentication-Results`, `X-Mailmoat-*`) on top, then the client's header block with
 * forged `X-Mailmoat-*` fields and every `Authentication-Results` claiming our authserv-id
 * removed (RFC 8601 §5) and the subject prefix applied, then the body streamed from the spool.
 * The removal happens for every message, scanned, bypassed or quarantined.
 *
 * Only the header block is rewritten, from the spool's head (the scan view); the body is never
 * held in memory. When the header block does not end inside the head (a header block over the
 * scan view's size), the message is passed through unedited behind our prepended headers.
 *
 * @category constructors
 * @since 0.1.0
 */
import { AuthResults } from "@mailmoat/antispam"
import { MessageModel } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import { prefixBytes } from "./TraceHeaders.ts"

/** Header fields only this gateway may write: a copy arriving from outside is removed. */
export const OWN_HEADERS: ReadonlyArray<string> = ["X-Mailmoat-Verdict", "X-Mailmoat-Score", "X-Mailmoat-Probability", "X-Mailmoat-Symbols", "X-Mailmoat-Rule"]

/** The edit every handed-off or quarantined header block gets: forged fields of ours removed. */
const ownFieldsRemoved = (authservId: string): MessageModel.HeaderEdit.HeaderBlockEdit => ({
  remove: OWN_HEADERS,
  removeIf: (name, value) => name === "authentication-results" && AuthResults.claims(value, authservId)
})

export interface DeliveryEdit {
  readonly addHeaders: ReadonlyArray<readonly [string, string]>
  readonly subjectPrefix?: string | undefined
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
export const deliverySource = (spool: Smtp.Spool, received: string, edit: DeliveryEdit, authservId: string): (() => AsyncIterable<Uint8Array>) => {
  const prefix = prefixBytes(received, edit.addHeaders)
  const end = MessageModel.HeaderEdit.headerBlockEnd(spool.head)
  const block = end === undefined ? undefined : MessageModel.HeaderEdit.editHeaderBlock(spool.head.subarray(0, end), { ...ownFieldsRemoved(authservId), subjectPrefix: edit.subjectPrefix })
  return async function* () {
    yield prefix
    if (block === undefined || end === undefined) {
      yield* spool.stream()
      return
    }
    yield block
    yield* skip(spool.stream(), end)
  }
}
