/**
 * The data of one SMTP session: configuration, connection facts, phase, transaction, and the
 * events and requests that pass between the pure `Session.step` and the socket driver.
 *
 * The driver performs every request (calls the handler, switches to DATA, upgrades to TLS) and
 * reports the outcome as an event. Between a request and its answer the driver feeds no other
 * line, so `step` never sees two requests in flight.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope } from "@mailmoat/core"
import type { DataStats } from "./DataDecoder.ts"
import type { AuthRequest, AuthResult, SmtpReply, SmtpSessionInfo } from "./Handler.ts"

export type BareLineEndings = "normalise" | "reject"

export interface SessionConfig {
  /** Our name in the greeting and the EHLO reply. */
  readonly hostname: string
  /** Greeting text after the hostname. */
  readonly banner: string
  readonly maxMessageSize: number
  readonly maxRecipients: number
  /** Unknown/invalid commands (and failed AUTHs) tolerated before 421. */
  readonly maxBadCommands: number
  /** STARTTLS is offered (a TLS context is configured). */
  readonly tlsAvailable: boolean
  /** AUTH is offered (the handler has `onAuth`); only ever over TLS. */
  readonly authAvailable: boolean
  readonly bareLineEndings: BareLineEndings
  /** Longest message line accepted, without CRLF (0 = no limit). */
  readonly maxDataLineLength: number
  /** Command lines in one session before 421 4.7.0 (a flood of NOOP/RSET is cut off). */
  readonly maxCommands: number
  /** MAIL commands in one session before 421 4.7.0. */
  readonly maxTransactions: number
  /** Received headers a message may carry (RFC 5321 §6.3); more is a mail loop: 554 5.4.6. */
  readonly maxHops: number
}

export interface ConnectionFacts {
  readonly id: string
  readonly clientAddress: string
  readonly clientPort: number
  readonly localAddress: string
  readonly localPort: number
}

export interface Transaction {
  readonly mailFrom: string
  readonly params: ReadonlyMap<string, string>
  readonly smtputf8: boolean
  readonly rcptTo: ReadonlyArray<string>
  readonly receivedAt: number
}

export type Phase =
  | { readonly _tag: "Connecting" }
  | { readonly _tag: "Command" }
  | { readonly _tag: "AuthPlain" }
  | { readonly _tag: "AuthLoginUser" }
  | { readonly _tag: "AuthLoginPassword"; readonly username: string }
  | { readonly _tag: "AwaitMail"; readonly transaction: Transaction }
  | { readonly _tag: "AwaitRcpt"; readonly recipient: string }
  | { readonly _tag: "AwaitAuth"; readonly username: string }
  | { readonly _tag: "ReceivingData" }
  | { readonly _tag: "AwaitData" }
  | { readonly _tag: "Upgrading" }
  | { readonly _tag: "Closed" }

export interface SessionState {
  readonly config: SessionConfig
  readonly connection: ConnectionFacts
  readonly phase: Phase
  readonly helo: string
  readonly esmtp: boolean
  readonly tls: boolean
  readonly authenticatedUser: string | undefined
  readonly flags: ReadonlySet<"bypassAntispam">
  readonly transaction: Transaction | undefined
  readonly badCommands: number
  /** Command lines read in this session (against `maxCommands`). */
  readonly commands: number
  /** MAIL commands in this session (against `maxTransactions`). */
  readonly transactions: number
  /** Set by a graceful shutdown: close with 421 as soon as no transaction is in flight. */
  readonly draining: boolean
}

export type SessionEvent =
  | { readonly _tag: "Connected" }
  | { readonly _tag: "ConnectAnswered"; readonly reply: SmtpReply | undefined; readonly earlyTalker: boolean }
  /** `pipelined`: more bytes were already buffered after this line when it was read. */
  | {
      readonly _tag: "Line"
      readonly line: Uint8Array
      readonly bareLf: boolean
      readonly pipelined: boolean
      readonly at: number
    }
  | { readonly _tag: "LineTooLong" }
  | { readonly _tag: "Answered"; readonly reply: SmtpReply | undefined }
  | { readonly _tag: "AuthAnswered"; readonly result: AuthResult }
  | { readonly _tag: "HandlerFailed"; readonly reason: string }
  /** `hops`: Received headers counted in the message's header section. */
  | { readonly _tag: "DataEnded"; readonly stats: DataStats; readonly storeFailed: boolean; readonly hops: number }
  | { readonly _tag: "TlsEstablished" }
  | { readonly _tag: "IdleTimeout" }
  /** DATA arrives slower than the minimum data rate (trickling clients). */
  | { readonly _tag: "DataTooSlow" }
  /** The session outlived its total lifetime. */
  | { readonly _tag: "LifetimeExceeded" }
  /** AUTH refused without asking the handler: too many recent failures from this client or for this user. */
  | { readonly _tag: "AuthLocked" }
  | { readonly _tag: "Shutdown" }
  | { readonly _tag: "Disconnected" }

export type SessionRequest =
  | { readonly _tag: "Connect" }
  | { readonly _tag: "MailFrom"; readonly address: string; readonly params: ReadonlyMap<string, string> }
  | {
      readonly _tag: "RcptTo"
      readonly mailFrom: string
      readonly recipient: string
      readonly accepted: ReadonlyArray<string>
    }
  | { readonly _tag: "Auth"; readonly request: AuthRequest }
  /** Send the replies (354), then decode DATA and report `DataEnded`. */
  | { readonly _tag: "ReceiveData" }
  | { readonly _tag: "Data"; readonly envelope: Envelope.Envelope }
  /** Send the replies (220), discard buffered plaintext, upgrade, report `TlsEstablished`. */
  | { readonly _tag: "StartTls" }

export interface Step {
  readonly state: SessionState
  readonly replies: ReadonlyArray<SmtpReply>
  readonly request?: SessionRequest | undefined
  /** Close the connection after sending the replies. */
  readonly close?: boolean | undefined
  /**
   * With `close`: the client has said its last word (QUIT with nothing read behind it), so the
   * driver closes the socket as soon as the replies are written instead of waiting for the client
   * to close first. Without it, input that may still follow is read and thrown away for a grace
   * period, so the client can read the closing reply.
   */
  readonly clientDone?: boolean | undefined
  /** A transaction ended without DATA: call `handler.onTransactionAbort`. */
  readonly aborted?: boolean | undefined
  /** Short event name for the log (already safe: never contains client input). */
  readonly log?: string | undefined
}

export const initial = (config: SessionConfig, connection: ConnectionFacts): SessionState => ({
  config,
  connection,
  phase: { _tag: "Connecting" },
  helo: "",
  esmtp: false,
  tls: false,
  authenticatedUser: undefined,
  flags: new Set(),
  transaction: undefined,
  badCommands: 0,
  commands: 0,
  transactions: 0,
  draining: false
})

/** The handler's view of the session (fields listed one by one: a spread is slower on this hot path). */
export const sessionInfo = (s: SessionState): SmtpSessionInfo => ({
  id: s.connection.id,
  clientAddress: s.connection.clientAddress,
  clientPort: s.connection.clientPort,
  localAddress: s.connection.localAddress,
  localPort: s.connection.localPort,
  helo: s.helo,
  tls: s.tls,
  authenticatedUser: s.authenticatedUser,
  sessionFlags: s.flags
})

/**
 * The state in another phase, with another transaction and counts: every field listed. A spread
 * (`{ ...s, phase }`) sees states of every shape its sites build and takes V8's slow generic copy
 * (a fifth of a session's steps in bench/session-step.mjs, once); states built here, by
 * `moved` and by the few literals of EHLO, STARTTLS and AUTH (the same fields in the same order)
 * all have one shape, so every read of a state is monomorphic.
 */
export const revised = (
  s: SessionState,
  phase: Phase,
  transaction: Transaction | undefined,
  badCommands: number,
  commands: number,
  transactions: number,
  draining: boolean
): SessionState => ({
  config: s.config,
  connection: s.connection,
  phase,
  helo: s.helo,
  esmtp: s.esmtp,
  tls: s.tls,
  authenticatedUser: s.authenticatedUser,
  flags: s.flags,
  transaction,
  badCommands,
  commands,
  transactions,
  draining
})

/** The state in another phase (and transaction), counts kept. */
export const moved = (s: SessionState, phase: Phase, transaction: Transaction | undefined): SessionState =>
  revised(s, phase, transaction, s.badCommands, s.commands, s.transactions, s.draining)

export const COMMAND: Phase = { _tag: "Command" }
export const CLOSED: Phase = { _tag: "Closed" }

/** A command line as the command groups see it: the argument and how it arrived. */
export interface Invocation {
  readonly arg: string
  /** More input was buffered after this line (pipelined). */
  readonly pipelined: boolean
  /** Epoch ms when the line was read (the transaction start time for MAIL). */
  readonly at: number
}

const NO_EXTRA: Omit<Step, "state" | "replies"> = {}

/**
 * Builds a step; `replies` may be one reply or several. Every step has all the fields (absent
 * ones `undefined`), so the driver's reads of them see one object shape, and no step copies
 * `extra` by a spread (a generic property copy, slow once its sites see many shapes).
 */
export const to = (
  state: SessionState,
  replies: SmtpReply | ReadonlyArray<SmtpReply>,
  extra: Omit<Step, "state" | "replies"> = NO_EXTRA
): Step => ({
  state,
  replies: Array.isArray(replies) ? replies : [replies as SmtpReply],
  request: extra.request,
  close: extra.close,
  clientDone: extra.clientDone,
  aborted: extra.aborted,
  log: extra.log
})

/** Replies and closes the connection. */
export const closing = (state: SessionState, replies: SmtpReply | ReadonlyArray<SmtpReply>, log?: string): Step =>
  to(moved(state, CLOSED, undefined), replies, {
    close: true,
    aborted: state.transaction !== undefined,
    log
  })

/** An error reply that counts against `maxBadCommands`; the limit closes with 421. */
export const bad = (state: SessionState, reply: SmtpReply, log?: string): Step => {
  const s = state
  const counted = revised(s, s.phase, s.transaction, s.badCommands + 1, s.commands, s.transactions, s.draining)
  if (counted.badCommands >= s.config.maxBadCommands)
    return closing(counted, [reply, TOO_MANY_ERRORS], "too_many_errors")
  return to(counted, reply, { log })
}

const TOO_MANY_ERRORS: SmtpReply = { code: 421, enhanced: "4.7.0", text: "Too many errors, closing connection" }
