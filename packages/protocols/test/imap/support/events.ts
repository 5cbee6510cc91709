// The IMAP session tests' view of a proxy session's output: server events as the text the
// client would read, and a server stream cut into chunks at given points.
import type { ProxyEvent } from "../../../src/proxy/ProxySession.ts"

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1")

/** The events as text, as written to the client; `CompressStart` shows as `<Z>`. */
export const eventsText = (events: ReadonlyArray<ProxyEvent>): string =>
  events
    .map((e) => {
      switch (e._tag) {
        case "Bytes":
          return latin1(e.bytes)
        case "MessageStart":
          return latin1(e.header)
        case "MessageData":
          return latin1(e.raw)
        case "CompressStart":
          return "<Z>"
        default:
          return ""
      }
    })
    .join("")

/** `text` cut at the given offsets (in any order, repeats ignored), without empty chunks. */
export const chunksAt = (text: string, cuts: ReadonlyArray<number>): Array<string> => {
  const points = [...new Set(cuts)].sort((x, y) => x - y)
  const chunks: Array<string> = []
  let at = 0
  for (const p of [...points, text.length]) {
    if (p > at) chunks.push(text.slice(at, p))
    at = Math.max(at, p)
  }
  return chunks
}
