/**
 * The SMTP session as a pure state machine: `step(state, event)` returns the next
 * state, the replies to send, and at most one request for the driver. No I/O, no clocks, no
 * timers: the driver turns sockets, timers and handler promises into events.
 *
 * Guards, in order, for a command line: input pipelined before PIPELINING was negotiated (554 +
 * close); bare LF in `reject` mode; strict UTF-8 and no control
 * characters (CommandParser); HTTP spoken to us (421 + close); unknown verbs (500, counted);
 * then the exhaustive `Record<Verb, …>` dispatch into the command groups.
 *
 * A graceful shutdown sets `draining`: the session closes with 421 4.3.2 as soon as it is idle
 * (no transaction, nothing in flight).
 *
 * @category models
 * @since 0.1.0
 */
import * as Auth from "./commands/Auth.ts"
import * as Hello from "./commands/Hello.ts"
import * as Misc from "./commands/Misc.ts"
import * as StartTls from "./commands/StartTls.ts"
import * as Transaction from "./commands/Transaction.ts"
import { decodeLine, parseCommand, type Verb } from "./CommandParser.ts"
import * as Reply from "./Reply.ts"
import {
  bad,
  CLOSED,
  COMMAND,
  closing,
  type Invocation,
  moved,
  revised,
  type SessionEvent,
  type SessionState,
  type Step,
  to
} from "./SessionState.ts"

type LineEvent = Extract<SessionEvent, { _tag: "Line" }>
type VerbHandler = (s: SessionState, inv: Invocation) => Step

const handlers: Record<Exclude<Verb, "MAIL" | "RCPT">, VerbHandler> = {
  EHLO: Hello.ehlo,
  HELO: Hello.helo,
  DATA: Transaction.data,
  RSET: Transaction.rset,
  NOOP: Misc.noop,
  QUIT: Misc.quit,
  VRFY: Misc.vrfy,
  EXPN: Misc.expn,
  HELP: Misc.help,
  BDAT: Misc.bdat,
  STARTTLS: StartTls.starttls,
  AUTH: Auth.auth
}

const internalError = (s: SessionState): Step =>
  closing(s, Reply.make(421, "4.3.0", "Internal error, closing connection"), "internal_error")

const onCommand = (s: SessionState, ev: LineEvent): Step => {
  // RFC 2920 §3.1: only an EHLO client that saw PIPELINING may send ahead; anyone
  // else sending before our reply is out of sync (Postfix 3.9 smtpd_forbid_unauth_pipelining).
  if (ev.pipelined && !s.esmtp)
    return closing(s, Reply.make(554, "5.5.0", "Protocol error: pipelining not negotiated"), "unnegotiated_pipelining")
  if (ev.bareLf && s.config.bareLineEndings === "reject")
    return bad(s, Reply.make(500, "5.5.2", "Bare LF not allowed, use CRLF"), "bare_lf_command")
  const cmd = parseCommand(ev.line)
  const inv = (arg: string): Invocation => ({ arg, pipelined: ev.pipelined, at: ev.at })
  switch (cmd._tag) {
    case "Invalid":
      return bad(s, cmd.reply, "bad_command")
    case "Unknown":
      if (cmd.http) return closing(s, Reply.make(421, "4.7.0", "HTTP not allowed here"), "http_request")
      return bad(s, Reply.make(500, "5.5.1", "Command unrecognized"), "unknown_command")
    case "Mail":
      return Transaction.mail(s, cmd, inv(""))
    case "Rcpt":
      return Transaction.rcpt(s, cmd)
    case "Other":
      return handlers[cmd.verb](s, inv(cmd.arg))
  }
}

/** The state with one more command line counted. */
const counting = (s: SessionState): SessionState =>
  revised(s, s.phase, s.transaction, s.badCommands, s.commands + 1, s.transactions, s.draining)

const onLine = (s: SessionState, ev: LineEvent): Step => {
  switch (s.phase._tag) {
    case "Command": {
      const counted = counting(s)
      if (counted.commands > s.config.maxCommands)
        return closing(counted, Reply.Common.tooManyCommands, "too_many_commands")
      return onCommand(counted, ev)
    }
    case "AuthPlain":
    case "AuthLoginUser":
    case "AuthLoginPassword": {
      const decoded = decodeLine(ev.line)
      return decoded.ok ? Auth.authResponse(s, decoded.text) : bad(moved(s, COMMAND, s.transaction), decoded.reply)
    }
    case "Connecting":
      return closing(s, Reply.make(554, "5.5.1", "Protocol error: input before the greeting"), "early_talker")
    default:
      return internalError(s)
  }
}

const onAnswered = (s: SessionState, reply: Parameters<typeof Transaction.dataAnswered>[1]): Step => {
  switch (s.phase._tag) {
    case "AwaitMail":
      return Transaction.mailAnswered(s, s.phase.transaction, reply)
    case "AwaitRcpt":
      return Transaction.rcptAnswered(s, s.phase.recipient, reply)
    case "AwaitData":
      return Transaction.dataAnswered(s, reply)
    default:
      return internalError(s)
  }
}

const onHandlerFailed = (s: SessionState): Step => {
  switch (s.phase._tag) {
    case "Connecting":
      return closing(s, Reply.make(421, "4.3.0", "Temporary local problem, closing connection"), "handler_failed")
    case "AwaitAuth":
      return to(moved(s, COMMAND, s.transaction), Reply.make(454, "4.7.0", "Temporary authentication failure"), {
        log: "handler_failed"
      })
    case "AwaitMail":
    case "AwaitRcpt":
      return to(moved(s, COMMAND, s.transaction), Reply.Common.handlerFailed, { log: "handler_failed" })
    case "AwaitData":
      return to(moved(s, COMMAND, undefined), Reply.Common.handlerFailed, { log: "handler_failed" })
    default:
      return internalError(s)
  }
}

const dispatch = (s: SessionState, ev: SessionEvent): Step => {
  if (s.phase._tag === "Closed") return to(s, [])
  switch (ev._tag) {
    case "Connected":
      return to(s, [], { request: { _tag: "Connect" } })
    case "ConnectAnswered": {
      if (ev.earlyTalker)
        return closing(s, Reply.make(554, "5.5.1", "Protocol error: input before the greeting"), "early_talker")
      const reply = ev.reply === undefined ? undefined : Reply.fromHandler(ev.reply)
      if (reply !== undefined && reply.code >= 400) return closing(s, reply, "connect_rejected")
      return to(moved(s, COMMAND, s.transaction), Reply.make(220, undefined, `${s.config.hostname} ${s.config.banner}`))
    }
    case "Line":
      return onLine(s, ev)
    case "LineTooLong":
      return closing(s, Reply.Common.lineTooLong, "line_too_long")
    case "Answered":
      return onAnswered(s, ev.reply)
    case "AuthAnswered":
      return s.phase._tag === "AwaitAuth" ? Auth.authAnswered(s, s.phase.username, ev.result) : internalError(s)
    case "HandlerFailed":
      return onHandlerFailed(s)
    case "DataEnded":
      return s.phase._tag === "ReceivingData"
        ? Transaction.dataEnded(s, ev.stats, ev.storeFailed, ev.hops)
        : internalError(s)
    case "TlsEstablished":
      return s.phase._tag === "Upgrading" ? StartTls.tlsEstablished(s) : internalError(s)
    case "IdleTimeout":
      return closing(s, Reply.Common.idle, "idle_timeout")
    case "DataTooSlow":
      return closing(s, Reply.Common.tooSlow, "data_too_slow")
    case "LifetimeExceeded":
      return closing(s, Reply.Common.lifetime, "session_lifetime")
    case "AuthLocked":
      return s.phase._tag === "AwaitAuth"
        ? bad(moved(s, COMMAND, s.transaction), Reply.Common.authLocked, "auth_locked")
        : internalError(s)
    case "Shutdown":
      return to(revised(s, s.phase, s.transaction, s.badCommands, s.commands, s.transactions, true), [])
    case "Disconnected":
      return to(moved(s, CLOSED, undefined), [], { aborted: s.transaction !== undefined })
  }
}

/** Advances the session by one event. */
export const step = (s: SessionState, ev: SessionEvent): Step => {
  const next = dispatch(s, ev)
  const t = next.state
  const idle = t.phase._tag === "Command" && t.transaction === undefined && next.request === undefined
  if (t.draining && idle && !next.close) {
    return to(moved(t, CLOSED, t.transaction), [...next.replies, Reply.Common.shuttingDown], {
      request: next.request,
      close: true,
      clientDone: next.clientDone,
      aborted: next.aborted,
      log: next.log
    })
  }
  return next
}
