/**
 * The relay client's DATA content: after the downstream's 354, the message goes out through the
 * dot-stuffing `WireEncoder` in batches of up to `BATCH_BYTES` (one write each: our headers, the
 * header block, the body and the terminator of a small message are one write, not four), then
 * the final reply is read: one for the message in SMTP, one per accepted recipient in LMTP
 * (RFC 2033 §4.2). Or, towards a server that offers CHUNKING, a message held whole in memory goes
 * as one `BDAT <size> LAST` (RFC 3030) with its content in the same write: no 354 to wait for.
 *
 * @category services
 * @since 0.1.0
 */
import type { SmtpReply } from "../smtp/Handler.ts"
import { WireEncoder } from "../smtp/WireEncoder.ts"
import type { ParsedReply } from "./ReplyParser.ts"
import type { ReplyChannel } from "./ReplyChannel.ts"

export interface RecipientResult {
  readonly recipient: string
  readonly accepted: boolean
  readonly reply: SmtpReply
}

export interface TransferOptions {
  readonly lmtp: boolean
  /** Each wait for the socket to drain. */
  readonly blockMs: number
  /** The wait for the final reply(ies). */
  readonly endMs: number
}

const BATCH_BYTES = 64 * 1024

/** The message's bytes: read part by part as they come, or, when held in memory, also at once. */
export type MessageSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>

export const isPlainIterable = (source: MessageSource): source is Iterable<Uint8Array> =>
  typeof (source as Partial<Iterable<Uint8Array>>)[Symbol.iterator] === "function"

export const plainReply = (r: ParsedReply): SmtpReply => ({ code: r.code, enhanced: r.enhanced, text: r.text })

const result = (recipient: string, reply: SmtpReply): RecipientResult => ({
  recipient,
  accepted: reply.code >= 200 && reply.code < 300,
  reply
})

/**
 * Sends `source` as the DATA content and returns one result per recipient; transport failures
 * throw. A source that is also a plain iterable (a message held in memory) is read as one: no
 * promise per part.
 */
export const sendMessage = async (
  channel: ReplyChannel,
  source: MessageSource,
  recipients: ReadonlyArray<string>,
  options: TransferOptions
): Promise<ReadonlyArray<RecipientResult>> => {
  let batch: Array<Uint8Array> = []
  let batched = 0
  // The encoder is driven here, not through an async generator of its own: one await per chunk less.
  const encoder = new WireEncoder()
  /** Adds a chunk to the batch; true when the batch is full and is to be written now. */
  const add = (chunk: Uint8Array): boolean => {
    const encoded = encoder.push(chunk)
    if (encoded.length === 0) return false
    batch.push(encoded)
    batched += encoded.length
    return batched >= BATCH_BYTES
  }
  const flush = async (): Promise<void> => {
    await channel.writeBatch(batch, options.blockMs, "while sending the message")
    batch = []
    batched = 0
  }
  if (isPlainIterable(source)) {
    for (const chunk of source) if (add(chunk)) await flush()
  } else for await (const chunk of source) if (add(chunk)) await flush()
  batch.push(encoder.end())
  await channel.writeBatch(batch, options.blockMs, "while sending the message")
  // SMTP's one reply is awaited here, not in a helper's own async frame: no promise more per message.
  if (!options.lmtp) return forAll(recipients, await channel.reply(options.endMs, "the end of data"))
  return eachReply(channel, recipients, options)
}

/**
 * Sends a message held whole in memory as one `BDAT <size> LAST` chunk (RFC 3030): the command
 * and the content in one write, then the final reply(ies). The content is what a DATA receiver
 * would store after un-stuffing (line ends normalised, NULs removed, the last line closed): not
 * dot-stuffed, with no terminator, since the size delimits it.
 */
export const sendChunked = async (
  channel: ReplyChannel,
  parts: Iterable<Uint8Array>,
  recipients: ReadonlyArray<string>,
  options: TransferOptions
): Promise<ReadonlyArray<RecipientResult>> => {
  const encoder = new WireEncoder(false)
  // The command goes first; its size is known once every part is encoded.
  const batch: Array<Uint8Array | string> = [""]
  let size = 0
  for (const part of parts) {
    const encoded = encoder.push(part)
    if (encoded.length === 0) continue
    batch.push(encoded)
    size += encoded.length
  }
  const last = encoder.close()
  if (last.length > 0) batch.push(last)
  batch[0] = `BDAT ${size + last.length} LAST\r\n`
  await channel.writeBatch(batch, options.blockMs, "while sending the message")
  if (!options.lmtp) return forAll(recipients, await channel.reply(options.endMs, "the end of data"))
  return eachReply(channel, recipients, options)
}

/** SMTP's one reply after the message, for every recipient. */
const forAll = (recipients: ReadonlyArray<string>, parsed: ParsedReply): ReadonlyArray<RecipientResult> => {
  const reply = plainReply(parsed)
  return recipients.map((recipient) => result(recipient, reply))
}

/** LMTP's replies after the message, one per recipient in order (RFC 2033 §4.2). */
const eachReply = async (
  channel: ReplyChannel,
  recipients: ReadonlyArray<string>,
  options: TransferOptions
): Promise<ReadonlyArray<RecipientResult>> => {
  const results: Array<RecipientResult> = []
  for (const recipient of recipients)
    results.push(result(recipient, plainReply(await channel.reply(options.endMs, `the end of data for ${recipient}`))))
  return results
}
