/**
 * Parses one SMTP command line (bytes, without its line end) into a typed command. Never throws:
 * every malformed input maps to `Invalid` with the reply to send.
 *
 * - The line is decoded as strict UTF-8 (`TextDecoder` with `fatal: true`); invalid UTF-8 is
 *   `500 5.5.2`. Control characters (all of C0, and DEL) anywhere are `501 5.5.4`: NUL and ESC
 *   in envelope input have hit Dovecot (CVE-2011-1929) and terminals/logs.
 * - MAIL/RCPT: `MAIL FROM:<path> [params]`; one optional space after the colon is tolerated (common
 *   client bug, accepted by Postfix). Params are `KEY[=VALUE]`, keys upper-cased. Which params are
 *   supported is the session's decision.
 * - The verb set is a closed union, so the session's dispatch table is checked by the compiler.
 *
 * @category models
 * @since 0.1.0
 */
import { parsePath } from "./Address.ts"
import type { SmtpReply } from "./Handler.ts"
import * as Reply from "./Reply.ts"

export type Verb =
  | "EHLO"
  | "HELO"
  | "MAIL"
  | "RCPT"
  | "DATA"
  | "RSET"
  | "NOOP"
  | "QUIT"
  | "VRFY"
  | "EXPN"
  | "HELP"
  | "STARTTLS"
  | "AUTH"
  | "BDAT"

const VERBS: ReadonlySet<string> = new Set<Verb>([
  "EHLO",
  "HELO",
  "MAIL",
  "RCPT",
  "DATA",
  "RSET",
  "NOOP",
  "QUIT",
  "VRFY",
  "EXPN",
  "HELP",
  "STARTTLS",
  "AUTH",
  "BDAT"
])

export type Command =
  | { readonly _tag: "Mail"; readonly address: string; readonly params: ReadonlyMap<string, string> }
  | { readonly _tag: "Rcpt"; readonly address: string; readonly params: ReadonlyMap<string, string> }
  | { readonly _tag: "Other"; readonly verb: Exclude<Verb, "MAIL" | "RCPT">; readonly arg: string }
  | { readonly _tag: "Unknown"; readonly verb: string; readonly http: boolean }
  | { readonly _tag: "Invalid"; readonly reply: SmtpReply }

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/** Strict UTF-8 decode; undefined when the bytes are not valid UTF-8. */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

export const hasControl = (s: string): boolean => /[\u0000-\u001f\u007f]/.test(s)

const invalid = (code: number, enhanced: string, text: string): Command => ({
  _tag: "Invalid",
  reply: Reply.make(code, enhanced, text)
})

const HTTP_VERBS = new Set(["GET", "POST", "PUT", "HEAD", "CONNECT", "OPTIONS", "DELETE"])

/** Decodes a line for argument parsing; the shared part of `parseCommand` and the AUTH phase. */
export const decodeLine = (line: Uint8Array): { ok: true; text: string } | { ok: false; reply: SmtpReply } => {
  const text = decodeUtf8(line)
  if (text === undefined) return { ok: false, reply: Reply.make(500, "5.5.2", "Invalid UTF-8 in command") }
  if (hasControl(text)) return { ok: false, reply: Reply.make(501, "5.5.4", "Control characters not allowed") }
  return { ok: true, text }
}

export const parseCommand = (line: Uint8Array): Command => {
  const decoded = decodeLine(line)
  if (!decoded.ok) return { _tag: "Invalid", reply: decoded.reply }
  const text = decoded.text
  const space = text.indexOf(" ")
  const word = (space === -1 ? text : text.slice(0, space)).toUpperCase()
  const arg = space === -1 ? "" : text.slice(space + 1)
  if (word === "MAIL") return parseMailRcpt("Mail", "FROM:", arg)
  if (word === "RCPT") return parseMailRcpt("Rcpt", "TO:", arg)
  if (VERBS.has(word)) return { _tag: "Other", verb: word as Exclude<Verb, "MAIL" | "RCPT">, arg: arg.trim() }
  return { _tag: "Unknown", verb: word.slice(0, 32), http: HTTP_VERBS.has(word) && /\bHTTP\/\d/i.test(arg) }
}

const parseMailRcpt = (tag: "Mail" | "Rcpt", keyword: string, arg: string): Command => {
  const isMail = tag === "Mail"
  const usage = isMail ? "Syntax: MAIL FROM:<address> [parameters]" : "Syntax: RCPT TO:<address> [parameters]"
  if (arg.slice(0, keyword.length).toUpperCase() !== keyword) return invalid(501, "5.5.4", usage)
  let rest = arg.slice(keyword.length)
  if (rest.startsWith(" ")) rest = rest.slice(1)
  if (!rest.startsWith("<")) return invalid(501, "5.5.4", usage)
  const close = closingBracket(rest)
  if (close === -1) return invalid(501, "5.5.4", usage)
  const path = parsePath(rest.slice(1, close), { allowNull: isMail, allowPostmaster: !isMail })
  if (!path.ok) return invalid(501, isMail ? "5.1.7" : "5.1.3", path.reason)
  const tail = rest.slice(close + 1)
  if (tail !== "" && !tail.startsWith(" ")) return invalid(501, "5.5.4", usage)
  const params = parseParams(tail)
  if (params === undefined) return invalid(501, "5.5.4", "Bad parameter syntax")
  return { _tag: tag, address: path.address, params }
}

/** Index of the `>` closing the path, skipping a quoted local part (which may contain `>`). */
const closingBracket = (s: string): number => {
  let quoted = false
  for (let i = 1; i < s.length; i++) {
    const c = s[i]
    if (quoted && c === "\\") i++
    else if (c === '"') quoted = !quoted
    else if (c === ">" && !quoted) return i
  }
  return -1
}

const PARAM_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/
const PARAM_VALUE = /^[\u0021-\u003c\u003e-\u007e\u0080-\u{10ffff}]+$/u

/** ESMTP parameters (RFC 5321 §4.1.2 esmtp-param); undefined on bad syntax or duplicates. */
const NO_PARAMS: ReadonlyMap<string, string> = new Map()

export const parseParams = (tail: string): ReadonlyMap<string, string> | undefined => {
  // Most MAIL and RCPT commands carry none: one shared empty map (read-only to every caller).
  if (tail === "") return NO_PARAMS
  const params = new Map<string, string>()
  for (const token of tail.split(" ")) {
    if (token === "") continue
    const eq = token.indexOf("=")
    const key = (eq === -1 ? token : token.slice(0, eq)).toUpperCase()
    const value = eq === -1 ? "" : token.slice(eq + 1)
    if (!PARAM_KEY.test(key) || (eq !== -1 && !PARAM_VALUE.test(value)) || params.has(key)) return undefined
    params.set(key, value)
  }
  return params
}
