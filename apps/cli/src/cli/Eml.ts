/**
 * Reading an .eml (or a one-message mbox file) for `mailmoat scan`: the leading mbox `From `
 * separator line is dropped, bare LF line ends become CRLF (the form the gateway receives on the
 * wire), and envelope defaults are taken from the headers with eml-format when the command line
 * does not give them.
 *
 * eml-format is used for the header side only (addresses in From/To/Cc/Return-Path): it builds
 * whole strings in memory and its MIME decoding differs from the gateway's, so the verdict
 * itself always comes from core's message model, the same parser the gateway uses.
 *
 * @since 0.1.0
 */
import emlFormat from "eml-format"

/** Drops a leading mbox `From ` line (not a `From:` header). */
export const stripMboxFrom = (bytes: Uint8Array): Uint8Array => {
  if (
    bytes.length < 5 ||
    bytes[0] !== 0x46 ||
    bytes[1] !== 0x72 ||
    bytes[2] !== 0x6f ||
    bytes[3] !== 0x6d ||
    bytes[4] !== 0x20
  )
    return bytes
  const nl = bytes.indexOf(0x0a)
  return nl < 0 ? new Uint8Array() : bytes.subarray(nl + 1)
}

/** Bare LF (and bare CR) line ends become CRLF; CRLF stays. */
export const toCrlf = (bytes: Uint8Array): Uint8Array => {
  let extra = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) extra++
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) extra++
  }
  if (extra === 0) return bytes
  const out = new Uint8Array(bytes.length + extra)
  let o = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) {
      out[o++] = 0x0d
      out[o++] = 0x0a
    } else if (b === 0x0d && bytes[i + 1] !== 0x0a) {
      out[o++] = 0x0d
      out[o++] = 0x0a
    } else out[o++] = b
  }
  return out
}

export const prepare = (bytes: Uint8Array): Uint8Array => toCrlf(stripMboxFrom(bytes))

export interface HeaderEnvelope {
  readonly mailFrom?: string | undefined
  readonly rcptTo: ReadonlyArray<string>
}

const ADDRESS = /^[^\s<>@,;]+@[^\s<>@,;]+$/

const emails = (v: unknown): Array<string> => {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]
  return list.map((a) => String((a as { email?: unknown }).email ?? "").trim()).filter((e) => ADDRESS.test(e))
}

/**
 * Envelope defaults from the headers: MAIL FROM from Return-Path, else From; recipients from
 * To and Cc. Only the header block (at most 64 KiB) is handed to eml-format. Never throws.
 */
export const envelopeFromHeaders = (bytes: Uint8Array): HeaderEnvelope => {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 64 * 1024))
  const end = text.indexOf("\r\n\r\n")
  const head = `${end < 0 ? text : text.slice(0, end)}\r\n\r\n`
  let data: Parameters<Parameters<typeof emlFormat.read>[2]>[1]
  try {
    emlFormat.read(head, { headersOnly: true }, (error, result) => {
      if (!error) data = result
    })
  } catch {
    data = undefined
  }
  const returnPath = data?.headers?.["Return-Path"]
  const rp = (Array.isArray(returnPath) ? returnPath[0] : returnPath) as string | undefined
  const fromReturnPath = rp === undefined ? undefined : /<([^<>]*)>/.exec(rp)?.[1]?.trim()
  const mailFrom =
    fromReturnPath !== undefined && (fromReturnPath === "" || ADDRESS.test(fromReturnPath))
      ? fromReturnPath
      : emails(data?.from)[0]
  return { mailFrom, rcptTo: [...new Set([...emails(data?.to), ...emails(data?.cc)])] }
}
