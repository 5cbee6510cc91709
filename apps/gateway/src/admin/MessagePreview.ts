/**
 * What an admin sees of a quarantined message without opening it: the header fields, a plain
 * text preview (text/plain parts, or text reduced from HTML) and the raw HTML of the first
 * text/html part for the sandboxed view. Reads at most `PREVIEW_BYTES` of the message; never
 * throws on any bytes (core's lazy MIME parser).
 *
 * @category services
 * @since 0.1.0
 */
import { Envelope, MessageModel } from "@mailmoat/core"

export const PREVIEW_BYTES = 512 * 1024
const TEXT_CHARS = 20_000

export interface MessagePreview {
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly text: string
  /** The first HTML part, when there is one (render only in a sandboxed frame). */
  readonly html?: string | undefined
  /** True when the message is longer than what was read. */
  readonly truncated: boolean
}

const readHead = async (
  stream: AsyncIterable<Uint8Array>,
  max: number
): Promise<{ bytes: Uint8Array; truncated: boolean }> => {
  const parts: Array<Uint8Array> = []
  let n = 0
  for await (const chunk of stream) {
    parts.push(chunk.subarray(0, max - n))
    n += Math.min(chunk.length, max - n)
    if (n >= max) return { bytes: Buffer.concat(parts), truncated: true }
  }
  return { bytes: Buffer.concat(parts), truncated: false }
}

export const previewMessage = async (stream: AsyncIterable<Uint8Array>): Promise<MessagePreview> => {
  const { bytes, truncated } = await readHead(stream, PREVIEW_BYTES)
  const message = MessageModel.fromBytes(bytes, { envelope: Envelope.make({ clientAddress: "0.0.0.0" }) })
  const headers = message.headers.list.map((h) => ({ name: h.name, value: h.value }))
  const text = message.body.texts.join("\n\n").slice(0, TEXT_CHARS)
  const html = message.body.htmls[0]
  return { headers, text, ...(html !== undefined ? { html } : {}), truncated }
}
