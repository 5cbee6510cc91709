/**
 * One log event = one line: SMTP input is attacker-controlled, so every value written to a log is
 * escaped (CR, LF, other C0 controls, DEL and backslash) before it reaches the sink. Without this a
 * client could forge log lines ("log injection").
 *
 * @category models
 * @since 0.1.0
 */

const ESCAPED = /[\u0000-\u001f\u007f\\]/

/** Escapes control characters as `\r`, `\n`, `\t`, `\xHH`, and `\` as `\\`. */
export const escapeForLog = (value: string): string =>
  // Most values need nothing: one test, no replace.
  !ESCAPED.test(value)
    ? value
    : value.replace(/[\u0000-\u001f\u007f\\]/g, (c) => {
        if (c === "\\") return "\\\\"
        if (c === "\r") return "\\r"
        if (c === "\n") return "\\n"
        if (c === "\t") return "\\t"
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`
      })

/** Escapes raw bytes (decoded leniently as latin1, so invalid UTF-8 is still visible). */
export const escapeBytesForLog = (bytes: Uint8Array, max = 200): string => {
  let s = ""
  const n = Math.min(bytes.length, max)
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]!)
  const escaped = escapeForLog(s).replace(/[\u0080-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`)
  return bytes.length > max ? `${escaped}...(${bytes.length} bytes)` : escaped
}

/** `smtp session=ID event=NAME key="value" ...` with every value escaped and quoted. */
export const formatLogLine = (
  session: string,
  event: string,
  fields: Record<string, string | number | boolean> = {}
): string => {
  let line = `smtp session=${escapeForLog(session)} event=${escapeForLog(event)}`
  for (const [k, v] of Object.entries(fields)) {
    line += typeof v === "string" ? ` ${k}="${escapeForLog(v).replace(/"/g, '\\"')}"` : ` ${k}=${v}`
  }
  return line
}
