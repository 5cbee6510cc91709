/**
 * The commands without state: NOOP, QUIT, VRFY, EXPN, HELP, and BDAT (not offered: we do not
 * advertise CHUNKING, so BDAT is a bad command; its binary chunk would then be read as commands and
 * run into the bad-command limit).
 *
 * @category models
 * @since 0.1.0
 */
import * as Reply from "../Reply.ts"
import { bad, CLOSED, type Invocation, type SessionState, type Step, to } from "../SessionState.ts"

export const noop = (s: SessionState): Step => to(s, Reply.Common.ok)

export const quit = (s: SessionState): Step =>
  to({ ...s, phase: CLOSED, transaction: undefined }, Reply.make(221, "2.0.0", "Bye"), {
    close: true,
    aborted: s.transaction !== undefined
  })

/** RFC 5321 §3.5.3: 252 when we will not verify but will try delivery (no address harvesting). */
export const vrfy = (s: SessionState, inv: Invocation): Step =>
  inv.arg === ""
    ? bad(s, Reply.make(501, "5.5.4", "Syntax: VRFY address"))
    : to(s, Reply.make(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"))

export const expn = (s: SessionState): Step => bad(s, Reply.make(502, "5.5.1", "EXPN not implemented"))

export const help = (s: SessionState): Step =>
  to(s, Reply.make(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH"))

export const bdat = (s: SessionState): Step => bad(s, Reply.make(502, "5.5.1", "BDAT not supported (no CHUNKING)"))
