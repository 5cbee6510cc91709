/**
 * EHLO / HELO (RFC 5321 §4.1.1.1): a new greeting resets any transaction; EHLO lists our
 * extensions. STARTTLS is listed only while not yet in TLS, AUTH only inside TLS (credentials never
 * travel in clear).
 *
 * @category models
 * @since 0.1.0
 */
import * as Reply from "../Reply.ts"
import { bad, COMMAND, type Invocation, type SessionState, type Step, to } from "../SessionState.ts"

const MAX_HELO = 255

const greet = (s: SessionState, inv: Invocation, esmtp: boolean): Step => {
  const name = inv.arg.trim()
  if (name === "" || name.length > MAX_HELO)
    return bad(s, Reply.make(501, "5.5.4", `Syntax: ${esmtp ? "EHLO" : "HELO"} hostname`))
  const next: SessionState = { ...s, phase: COMMAND, helo: name, esmtp, transaction: undefined }
  const aborted = s.transaction !== undefined
  if (!esmtp) return to(next, Reply.make(250, undefined, s.config.hostname), { aborted })
  return to(next, Reply.make(250, undefined, extensions(s).join("\n")), { aborted })
}

/** The EHLO reply lines, greeting first. */
export const extensions = (s: SessionState): ReadonlyArray<string> => {
  const lines = [
    `${s.config.hostname} Hello`,
    "PIPELINING",
    `SIZE ${s.config.maxMessageSize}`,
    "8BITMIME",
    "SMTPUTF8",
    "ENHANCEDSTATUSCODES"
  ]
  if (s.config.tlsAvailable && !s.tls) lines.push("STARTTLS")
  if (s.config.authAvailable && s.tls) lines.push("AUTH PLAIN LOGIN")
  return lines
}

export const ehlo = (s: SessionState, inv: Invocation): Step => greet(s, inv, true)
export const helo = (s: SessionState, inv: Invocation): Step => greet(s, inv, false)
