/**
 * The commands without state: NOOP, QUIT, VRFY, EXPN, HELP, and BDAT (not offered: we do not
 * advertise CHUNKING, so BDAT is a bad command; its binary chunk would then be read as commands and
 * run into the bad-command limit).
 *
 * @category models
 * @since 0.1.0
 */
import * as Reply from "../Reply.ts"
import { bad, CLOSED, type Invocation, moved, type SessionState, type Step, to } from "../SessionState.ts"

export const noop = (s: SessionState): Step => to(s, Reply.Common.ok)

const BYE = Reply.make(221, "2.0.0", "Bye")

/**
 * RFC 5321 §4.1.1.10: 221, then the session ends. A QUIT with nothing pipelined behind it leaves
 * the client nothing more to send, so the socket need not wait for the client to close its end;
 * with bytes behind it the old path is kept (see `Step.clientDone`).
 */
export const quit = (s: SessionState, inv: Invocation): Step =>
  to(moved(s, CLOSED, undefined), BYE, {
    close: true,
    clientDone: !inv.pipelined,
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
