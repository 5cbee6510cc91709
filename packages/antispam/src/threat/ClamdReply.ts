/**
 * Parses one clamd reply to `zINSTREAM` (NUL-terminated text):
 * `stream: OK`, `stream: <Signature> FOUND`, `<message> ERROR` (for example
 * `INSTREAM size limit exceeded. ERROR`). Never throws; anything else is a protocol error.
 *
 * @category models
 * @since 0.1.0
 */

export type UnavailableReason =
  /** No connection (socket missing, refused, reset before a reply). */
  | "connect"
  /** No complete reply within `timeoutSeconds`. */
  | "timeout"
  /** The stream was longer than clamd's StreamMaxLength. */
  | "size-limit"
  /** clamd answered ERROR (database problem, out of memory, ...). */
  | "error"
  /** The reply was not one clamd sends. */
  | "protocol"

export type ScanResult =
  | { readonly _tag: "Clean" }
  | { readonly _tag: "Found"; readonly signature: string }
  | { readonly _tag: "Unavailable"; readonly reason: UnavailableReason; readonly detail: string }

export const clean: ScanResult = { _tag: "Clean" }

export const unavailable = (reason: UnavailableReason, detail: string): ScanResult => ({
  _tag: "Unavailable",
  reason,
  detail
})

/** Printable ASCII only, bounded: the reply ends up in logs and headers. */
const sanitize = (text: string): string => text.replace(/[^\x20-\x7e]/g, "?").slice(0, 200)

export const parse = (raw: string): ScanResult => {
  const text = raw.replace(/\0+$/, "").trim()
  if (text.endsWith(" FOUND")) {
    const body = text.slice(0, -" FOUND".length)
    const colon = body.indexOf(": ")
    const signature = (colon >= 0 ? body.slice(colon + 2) : body).trim()
    if (signature.length > 0) return { _tag: "Found", signature: sanitize(signature) }
  }
  if (text === "stream: OK" || text === "OK") return clean
  if (text.endsWith("ERROR")) {
    if (/size limit exceeded/i.test(text)) return unavailable("size-limit", sanitize(text))
    return unavailable("error", sanitize(text))
  }
  return unavailable("protocol", `unexpected clamd reply ${JSON.stringify(sanitize(text))}`)
}
