/**
 * The mail transaction: MAIL, RCPT, DATA, RSET, and the answers to their requests.
 *
 * **Gotchas**
 * - A handler's reply is sent as it is (after `Reply.fromHandler`); only a 2xx (or no reply) from
 *   `onMailFrom`/`onRcptTo` accepts. A handler that throws or times out gives 451 4.3.0, never 250.
 * - DATA with input already buffered behind it is pipelining abuse (RFC 2920 §3.1: DATA ends a
 *   command group, the client must wait for 354): 554 5.5.0 and close, because the following
 *   bytes could be read either as commands or as message content.
 * - SIZE: the declared size is checked at MAIL (552 5.3.4), the real size while streaming.
 * - Non-ASCII addresses need SMTPUTF8 on MAIL (RFC 6531 §3.4: 553 5.6.7).
 * - Past `maxTransactions` MAIL commands the session is closed with 421 4.7.0, so one connection
 *   cannot cycle MAIL/RSET forever (each cycle may cost a downstream round trip).
 * - A message with more than `maxHops` Received headers is refused with 554 5.4.6 after the final
 *   dot (RFC 5321 §6.3 loop detection); the driver stops storing it once the count is exceeded.
 *
 * @category models
 * @since 0.1.0
 */
import { Envelope } from "@mailmoat/core"
import { isAscii } from "../Address.ts"
import type { DataStats } from "../DataDecoder.ts"
import type { SmtpReply } from "../Handler.ts"
import * as Reply from "../Reply.ts"
import {
  bad,
  COMMAND,
  closing,
  type Invocation,
  moved,
  type Phase,
  revised,
  type SessionState,
  type Step,
  to,
  type Transaction
} from "../SessionState.ts"

export interface PathCommand {
  readonly address: string
  readonly params: ReadonlyMap<string, string>
}

const checkMailParams = (s: SessionState, params: ReadonlyMap<string, string>): SmtpReply | undefined => {
  if (params.size > 0 && !s.esmtp) return Reply.make(555, "5.5.4", "Parameters need EHLO")
  for (const [key, value] of params) {
    if (key === "SIZE") {
      if (!/^\d{1,20}$/.test(value)) return Reply.make(501, "5.5.4", "Bad SIZE parameter")
      if (Number(value) > s.config.maxMessageSize)
        return Reply.make(552, "5.3.4", "Message size exceeds fixed maximum message size")
    } else if (key === "BODY") {
      if (!/^(7BIT|8BITMIME)$/i.test(value)) return Reply.make(501, "5.5.4", "Unsupported BODY type")
    } else if (key === "SMTPUTF8") {
      if (value !== "") return Reply.make(501, "5.5.4", "SMTPUTF8 takes no value")
    } else if (key !== "AUTH") {
      // AUTH=<mailbox> (RFC 4954 §5) is accepted and ignored: we never trust a client's claim.
      return Reply.make(555, "5.5.4", `Unsupported parameter ${key}`)
    }
  }
  return undefined
}

const RECEIVING_DATA: Phase = { _tag: "ReceivingData" }
const AWAIT_DATA: Phase = { _tag: "AwaitData" }
const SENDER_OK = Reply.make(250, "2.1.0", "Sender OK")
const RECIPIENT_OK = Reply.make(250, "2.1.5", "Recipient OK")
const GO_AHEAD = Reply.make(354, undefined, "End data with <CR><LF>.<CR><LF>")

/** The transaction with one more accepted recipient (every field listed: one shape). */
const withRecipient = (t: Transaction, recipient: string): Transaction => ({
  mailFrom: t.mailFrom,
  params: t.params,
  smtputf8: t.smtputf8,
  rcptTo: [...t.rcptTo, recipient],
  receivedAt: t.receivedAt
})

export const mail = (s: SessionState, cmd: PathCommand, inv: Invocation): Step => {
  if (s.helo === "") return bad(s, Reply.Common.badSequence("Send HELO/EHLO first"))
  if (s.transaction !== undefined) return bad(s, Reply.Common.badSequence("Nested MAIL command"))
  if (s.transactions >= s.config.maxTransactions)
    return closing(s, Reply.Common.tooManyTransactions, "too_many_transactions")
  const problem = checkMailParams(s, cmd.params)
  if (problem !== undefined) return bad(s, problem)
  const smtputf8 = cmd.params.has("SMTPUTF8")
  if (!smtputf8 && !isAscii(cmd.address)) return bad(s, Reply.make(553, "5.6.7", "Non-ASCII address requires SMTPUTF8"))
  const transaction: Transaction = {
    mailFrom: cmd.address,
    params: cmd.params,
    smtputf8,
    rcptTo: [],
    receivedAt: inv.at
  }
  return to(
    revised(
      s,
      { _tag: "AwaitMail", transaction },
      s.transaction,
      s.badCommands,
      s.commands,
      s.transactions + 1,
      s.draining
    ),
    [],
    {
      request: { _tag: "MailFrom", address: cmd.address, params: cmd.params }
    }
  )
}

export const mailAnswered = (s: SessionState, transaction: Transaction, reply: SmtpReply | undefined): Step => {
  const r = reply === undefined ? SENDER_OK : Reply.fromHandler(reply)
  return to(moved(s, COMMAND, Reply.isPositive(r) ? transaction : s.transaction), r)
}

export const rcpt = (s: SessionState, cmd: PathCommand): Step => {
  const t = s.transaction
  if (t === undefined) return bad(s, Reply.Common.badSequence("Need MAIL command"))
  if (cmd.params.size > 0) return bad(s, Reply.make(555, "5.5.4", "RCPT parameters not supported"))
  if (t.rcptTo.length >= s.config.maxRecipients) return to(s, Reply.make(452, "4.5.3", "Too many recipients"))
  if (!t.smtputf8 && !isAscii(cmd.address))
    return bad(s, Reply.make(553, "5.6.7", "Non-ASCII address requires SMTPUTF8"))
  return to(moved(s, { _tag: "AwaitRcpt", recipient: cmd.address }, t), [], {
    request: { _tag: "RcptTo", mailFrom: t.mailFrom, recipient: cmd.address, accepted: t.rcptTo }
  })
}

export const rcptAnswered = (s: SessionState, recipient: string, reply: SmtpReply | undefined): Step => {
  const r = reply === undefined ? RECIPIENT_OK : Reply.fromHandler(reply)
  const t = s.transaction
  if (!Reply.isPositive(r) || t === undefined) return to(moved(s, COMMAND, t), r)
  return to(moved(s, COMMAND, withRecipient(t, recipient)), r)
}

export const data = (s: SessionState, inv: Invocation): Step => {
  if (inv.arg !== "") return bad(s, Reply.make(501, "5.5.4", "Syntax: DATA"))
  const t = s.transaction
  if (t === undefined) return bad(s, Reply.Common.badSequence("Need MAIL command"))
  if (t.rcptTo.length === 0) return bad(s, Reply.make(554, "5.5.1", "No valid recipients"))
  if (inv.pipelined)
    return closing(
      s,
      Reply.make(554, "5.5.0", "Protocol violation: input sent before the 354 reply"),
      "data_pipelining"
    )
  return to(moved(s, RECEIVING_DATA, t), GO_AHEAD, {
    request: { _tag: "ReceiveData" }
  })
}

export const dataEnded = (s: SessionState, stats: DataStats, storeFailed: boolean, hops: number): Step => {
  const t = s.transaction
  if (t === undefined) return to(moved(s, COMMAND, undefined), Reply.Common.handlerFailed)
  if (hops > s.config.maxHops)
    return to(moved(s, COMMAND, undefined), Reply.Common.tooManyHops, { aborted: true, log: "too_many_hops" })
  if (stats.tooBig)
    return to(
      moved(s, COMMAND, undefined),
      Reply.make(552, "5.3.4", "Message size exceeds fixed maximum message size"),
      {
        aborted: true,
        log: "too_big"
      }
    )
  if (s.config.bareLineEndings === "reject" && stats.bareCr + stats.bareLf > 0) {
    return to(moved(s, COMMAND, undefined), Reply.make(550, "5.5.2", "Bare CR or LF not allowed in message data"), {
      aborted: true,
      log: "bare_line_ending"
    })
  }
  if (s.config.maxDataLineLength > 0 && stats.longestLine > s.config.maxDataLineLength) {
    return to(
      moved(s, COMMAND, undefined),
      Reply.make(550, "5.6.0", `Message line too long (over ${s.config.maxDataLineLength} characters, RFC 5322 2.1.1)`),
      {
        aborted: true,
        log: "line_too_long_in_data"
      }
    )
  }
  if (storeFailed)
    return to(moved(s, COMMAND, undefined), Reply.make(451, "4.3.0", "Temporary local problem storing the message"), {
      aborted: true,
      log: "spool_failed"
    })
  const c = s.connection
  const envelope = Envelope.make({
    clientAddress: c.clientAddress,
    clientPort: c.clientPort,
    localAddress: c.localAddress,
    helo: s.helo,
    mailFrom: t.mailFrom,
    rcptTo: t.rcptTo,
    tls: s.tls,
    authenticatedUser: s.authenticatedUser,
    sessionFlags: s.flags,
    receivedAt: t.receivedAt
  })
  return to(moved(s, AWAIT_DATA, t), [], { request: { _tag: "Data", envelope } })
}

/** The handler's reply to the message, sent verbatim; the transaction is over either way. */
export const dataAnswered = (s: SessionState, reply: SmtpReply | undefined): Step =>
  to(moved(s, COMMAND, undefined), reply === undefined ? Reply.Common.handlerFailed : Reply.fromHandler(reply))

export const rset = (s: SessionState, inv: Invocation): Step => {
  if (inv.arg !== "") return bad(s, Reply.make(501, "5.5.4", "Syntax: RSET"))
  return to(moved(s, s.phase, undefined), Reply.Common.ok, { aborted: s.transaction !== undefined })
}
