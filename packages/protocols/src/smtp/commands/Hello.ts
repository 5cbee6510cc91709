/**
 * EHLO / HELO (RFC 5321 §4.1.1.1): a new greeting resets any transaction; EHLO lists our
 * extensions. STARTTLS is listed only while not yet in TLS, AUTH only inside TLS (credentials never
 * travel in clear).
 *
 * @category models
 * @since 0.1.0
 */
import type { SmtpReply } from "../Handler.ts"
import * as Reply from "../Reply.ts"
import { bad, COMMAND, type Invocation, type SessionConfig, type SessionState, type Step, to } from "../SessionState.ts"

const MAX_HELO = 255

const greet = (s: SessionState, inv: Invocation, esmtp: boolean): Step => {
  const name = inv.arg.trim()
  if (name === "" || name.length > MAX_HELO)
    return bad(s, Reply.make(501, "5.5.4", `Syntax: ${esmtp ? "EHLO" : "HELO"} hostname`))
  // Every field listed, as in `revised`: one shape for every state.
  const next: SessionState = {
    config: s.config,
    connection: s.connection,
    phase: COMMAND,
    helo: name,
    esmtp,
    tls: s.tls,
    authenticatedUser: s.authenticatedUser,
    flags: s.flags,
    transaction: undefined,
    badCommands: s.badCommands,
    commands: s.commands,
    transactions: s.transactions,
    draining: s.draining
  }
  const aborted = s.transaction !== undefined
  if (!esmtp) return to(next, Reply.make(250, undefined, s.config.hostname), { aborted })
  return to(next, ehloReply(s), { aborted })
}

/**
 * The EHLO reply, one object per configuration and TLS state: built once, and formatted once
 * (`Reply.formatReply` keeps a multi-line reply's wire text by reply), not per session.
 */
const ehloReplies = new WeakMap<SessionConfig, { plain?: SmtpReply; tls?: SmtpReply }>()

const ehloReply = (s: SessionState): SmtpReply => {
  let known = ehloReplies.get(s.config)
  if (known === undefined) {
    known = {}
    ehloReplies.set(s.config, known)
  }
  const kept = s.tls ? known.tls : known.plain
  if (kept !== undefined) return kept
  const reply = Reply.make(250, undefined, extensions(s).join("\n"))
  if (s.tls) known.tls = reply
  else known.plain = reply
  return reply
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
